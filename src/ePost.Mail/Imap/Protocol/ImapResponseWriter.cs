using System.Buffers;
using System.Globalization;
using System.Text;

namespace ePost.Mail.Imap.Protocol;

/// <summary>
/// Builds server responses as bytes: status lines, continuations, and the value syntax inside them
/// (atom, quoted, literal, NIL, lists), always choosing a form the value can legally take.
/// </summary>
/// <remarks>
/// Strings that are 7-bit and free of CR/LF/NUL are quoted; anything else (8-bit, CRLF, NUL, very long) becomes a
/// literal, so header bytes are served exactly as stored.
/// </remarks>
public sealed class ImapResponseWriter
{
    /// <summary>Quoted strings longer than this go out as literals (some clients choke on very long quoted strings).</summary>
    private const int MaxQuotedLength = 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>
    /// UTF8=ACCEPT is enabled (RFC 6855): mailbox names go out as UTF-8, and valid UTF-8 may be quoted
    /// (utf8-quoted) instead of sent as a literal.
    /// </summary>
    public bool Utf8 { get; init; }

    /// <summary>Everything written so far.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    /// <summary>Copies out everything written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Forgets what was written.</summary>
    public void Clear() => _buffer.Clear();

    /// <summary>The written bytes as text (tests and logs; literals with 8-bit bytes are decoded as UTF-8).</summary>
    public override string ToString() => Encoding.UTF8.GetString(_buffer.WrittenSpan);

    /// <summary>"tag OK|NO|BAD [code] text" CRLF.</summary>
    public ImapResponseWriter Tagged(string tag, ImapStatus status, string? code, string text) =>
        StatusLine(tag, status, code, text);

    /// <summary>"* OK|NO|BAD|BYE|PREAUTH [code] text" CRLF.</summary>
    public ImapResponseWriter UntaggedStatus(ImapStatus status, string? code, string text) =>
        StatusLine("*", status, code, text);

    /// <summary>"* " data CRLF, for data already in IMAP syntax ("3 EXISTS", "CAPABILITY IMAP4rev1 IDLE").</summary>
    public ImapResponseWriter Untagged(string data) => Raw("* ").Raw(data).EndLine();

    /// <summary>"+ text" CRLF.</summary>
    public ImapResponseWriter Continuation(string text) => Raw("+ ").Raw(Sanitize(text)).EndLine();

    /// <summary>A reader rejection as its response line.</summary>
    public ImapResponseWriter Rejection(ImapCommandRejected rejected) =>
        StatusLine(rejected.Tag, rejected.Status, rejected.Code, rejected.Text);

    private ImapResponseWriter StatusLine(string tag, ImapStatus status, string? code, string text)
    {
        Raw(tag).Raw(" ").Raw(status.ToString().ToUpperInvariant()).Raw(" ");
        if (code is not null) Raw("[").Raw(Sanitize(code)).Raw("] ");
        return Raw(Sanitize(text)).EndLine();
    }

    /// <summary>Response text must not break the line: control characters become spaces.</summary>
    private static string Sanitize(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = source[i] is < ' ' or '\x7f' ? ' ' : source[i];
        });

    /// <summary>ASCII text exactly as given (caller guarantees IMAP syntax).</summary>
    public ImapResponseWriter Raw(string ascii)
    {
        int count = Encoding.UTF8.GetByteCount(ascii);
        Encoding.UTF8.GetBytes(ascii, _buffer.GetSpan(count));
        _buffer.Advance(count);
        return this;
    }

    /// <summary>Bytes exactly as given.</summary>
    public ImapResponseWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>CRLF.</summary>
    public ImapResponseWriter EndLine() => Raw("\r\n");

    /// <summary>One space.</summary>
    public ImapResponseWriter Space() => Raw(" ");

    /// <summary>A decimal number.</summary>
    public ImapResponseWriter Number(ulong value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>NIL.</summary>
    public ImapResponseWriter Nil() => Raw("NIL");

    /// <summary>string: quoted when possible, literal otherwise.</summary>
    public ImapResponseWriter String(string value) => String(Encoding.UTF8.GetBytes(value));

    /// <summary>string: quoted when possible, literal otherwise.</summary>
    public ImapResponseWriter String(ReadOnlySpan<byte> value) =>
        value.Length <= MaxQuotedLength && (ImapCharClass.CanBeQuoted(value) || Utf8 && ImapCharClass.CanBeUtf8Quoted(value))
            ? Quoted(value) : Literal(value);

    /// <summary>nstring: NIL for null.</summary>
    public ImapResponseWriter NString(string? value) => value is null ? Nil() : String(value);

    /// <summary>nstring: NIL for null.</summary>
    public ImapResponseWriter NString(ReadOnlyMemory<byte>? value) => value is null ? Nil() : String(value.Value.Span);

    /// <summary>
    /// nstring for message content (BODY[...], RFC822...): NIL for null, otherwise always a literal, as Dovecot and
    /// Cyrus send it. A quoted string is legal, but clients and probes that read section bytes by the announced length
    /// got nothing from a short part sent quoted (a 22-byte text part, a body without a final CRLF). Stored bytes with
    /// NUL (a message appended as a literal8) still go as a plain literal, as Dovecot sends them: MailKit, like other
    /// clients that never ask for BINARY, fails on a literal8 in a BODY[] response (docs/decisions.md).
    /// </summary>
    public ImapResponseWriter NLiteral(ReadOnlyMemory<byte>? value) => value is null ? Nil() : Literal(value.Value.Span);

    /// <summary>BINARY[] data (RFC 3516 §4.3): a literal8 "~{n}" when the decoded bytes hold NUL, else a literal.</summary>
    public ImapResponseWriter BinaryLiteral(ReadOnlySpan<byte> value) =>
        value.Contains((byte)0) ? Raw("~").Literal(value) : Literal(value);

    /// <summary>astring: atom when possible, else quoted, else literal.</summary>
    public ImapResponseWriter AString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return ImapCharClass.CanBeAtom(bytes) ? Raw(bytes) : String(bytes);
    }

    /// <summary>A mailbox name: modified UTF-7 encoded (UTF-8 as it is once UTF8=ACCEPT is enabled), then as an astring.</summary>
    public ImapResponseWriter Mailbox(string name) => AString(Utf8 ? name : ModifiedUtf7.Encode(name));

    /// <summary>A quoted string with "\" and DQUOTE escaped; the bytes must be <see cref="ImapCharClass.CanBeQuoted"/>.</summary>
    public ImapResponseWriter Quoted(ReadOnlySpan<byte> value)
    {
        Raw("\"");
        foreach (byte b in value)
        {
            if (b is (byte)'"' or (byte)'\\') Raw("\\");
            _buffer.GetSpan(1)[0] = b;
            _buffer.Advance(1);
        }
        return Raw("\"");
    }

    /// <summary>"{n}" CRLF followed by the bytes.</summary>
    public ImapResponseWriter Literal(ReadOnlySpan<byte> value) =>
        Raw("{").Number((ulong)value.Length).Raw("}\r\n").Raw(value);

    /// <summary>"(" flag *(SP flag) ")"; flags are atoms or \atoms by construction.</summary>
    public ImapResponseWriter FlagList(IEnumerable<string> flags) => Raw("(").Raw(string.Join(' ', flags)).Raw(")");

    /// <summary>A quoted INTERNALDATE value.</summary>
    public ImapResponseWriter DateTime(DateTimeOffset value) => Raw("\"").Raw(ImapDateFormat.FormatDateTime(value)).Raw("\"");
}
