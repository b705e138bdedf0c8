using System.Text;

namespace ePost.Mail.Imap.Protocol;

/// <summary>
/// Incremental IMAP command framer: bytes in (<see cref="Append"/>), events out (<see cref="TryRead"/>).
/// It knows lines, quoted strings, parenthesis depth and literals; the grammar of each command is the parser's job.
/// </summary>
/// <remarks>
/// Pull-based on purpose: the session handles one event before asking for the next, so a command that changes
/// how the following bytes must be read (IDLE, AUTHENTICATE, STARTTLS) takes effect before they are framed.
/// Memory is bounded by <see cref="ImapLimits"/>: a literal buffer grows with the bytes that actually arrive,
/// never with the size a client announces. Oversize-literal policy: see docs/decisions.md.
/// </remarks>
public sealed class ImapCommandReader
{
    private const int InitialLiteralCapacity = 64 * 1024;

    private ImapLimits _limits;
    private readonly Queue<ImapReaderEvent> _events = new();
    private byte[] _input = new byte[4096];
    private int _inputStart;
    private int _inputEnd;

    private readonly List<byte> _line = [];
    private readonly List<byte[]> _lines = [];
    private readonly List<byte[]> _literals = [];
    private string _tag = "*";
    private long _commandSize;
    private int _depth;
    private bool _discarding;
    private bool _expectContinuationLine;
    private bool _closed;

    private long _literalRemaining = -1;
    private byte[]? _literal;
    private int _literalFilled;

    /// <summary>Creates a reader bounded by <paramref name="limits"/>.</summary>
    public ImapCommandReader(ImapLimits? limits = null) => _limits = limits ?? ImapLimits.Default;

    /// <summary>
    /// The limits in force; the session tightens them before login (so an anonymous client cannot make the server
    /// buffer a 50 MiB literal) and relaxes them after. A change applies from the next command on.
    /// </summary>
    public ImapLimits Limits
    {
        get => _limits;
        set => _limits = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Bytes received but not yet framed (the session stops reading the socket while this is large).</summary>
    public int BufferedByteCount => _inputEnd - _inputStart;

    /// <summary>True after an unrecoverable framing error; further input is ignored.</summary>
    public bool IsClosed => _closed;

    /// <summary>Adds received bytes.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_closed || bytes.IsEmpty) return;
        if (_inputStart > 0 && _inputEnd + bytes.Length > _input.Length)
        {
            Buffer.BlockCopy(_input, _inputStart, _input, 0, _inputEnd - _inputStart);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }
        if (_inputEnd + bytes.Length > _input.Length)
            Array.Resize(ref _input, Math.Max(_input.Length * 2, _inputEnd + bytes.Length));
        bytes.CopyTo(_input.AsSpan(_inputEnd));
        _inputEnd += bytes.Length;
    }

    /// <summary>
    /// Drops every byte received but not yet framed, and any partial command; returns how many bytes were dropped.
    /// Called right after STARTTLS so that plaintext pipelined behind it is never executed under TLS.
    /// </summary>
    public int DiscardBuffered()
    {
        int dropped = BufferedByteCount + _line.Count;
        _inputStart = _inputEnd = 0;
        ResetCommand();
        return dropped;
    }

    /// <summary>The next line is not a command but a continuation (IDLE's "DONE", a SASL response).</summary>
    public void ExpectContinuationLine() => _expectContinuationLine = true;

    /// <summary>Returns the next event, or false when more bytes are needed.</summary>
    public bool TryRead(out ImapReaderEvent readerEvent)
    {
        while (_events.Count == 0 && !_closed && Step()) { }
        if (_events.Count > 0)
        {
            readerEvent = _events.Dequeue();
            return true;
        }
        readerEvent = null!;
        return false;
    }

    /// <summary>Consumes input until an event is queued or input runs out; returns false when it needs more bytes.</summary>
    private bool Step()
    {
        if (_inputStart == _inputEnd) return false;
        return _literalRemaining >= 0 ? ReadLiteralBytes() : ReadLineBytes();
    }

    private bool ReadLiteralBytes()
    {
        int take = (int)Math.Min(_literalRemaining, _inputEnd - _inputStart);
        if (!_discarding)
        {
            EnsureLiteralCapacity(take);
            Buffer.BlockCopy(_input, _inputStart, _literal!, _literalFilled, take);
            _literalFilled += take;
        }
        _inputStart += take;
        _literalRemaining -= take;
        if (_literalRemaining > 0) return true;
        if (!_discarding) _literals.Add(_literal!.Length == _literalFilled ? _literal : _literal[.._literalFilled]);
        _literal = null;
        _literalFilled = 0;
        _literalRemaining = -1;
        return true;
    }

    private void EnsureLiteralCapacity(int extra)
    {
        int needed = _literalFilled + extra;
        if (_literal!.Length >= needed) return;
        long target = Math.Min(Math.Max((long)_literal.Length * 2, needed), _literalFilled + _literalRemaining);
        Array.Resize(ref _literal, (int)target);
    }

    private bool ReadLineBytes()
    {
        int lf = Array.IndexOf(_input, (byte)'\n', _inputStart, _inputEnd - _inputStart);
        int end = lf < 0 ? _inputEnd : lf;
        if (_line.Count + (end - _inputStart) > _limits.MaxLineLength)
        {
            Close($"Line longer than {_limits.MaxLineLength} bytes");
            return false;
        }
        for (int i = _inputStart; i < end; i++) _line.Add(_input[i]);
        _inputStart = lf < 0 ? _inputEnd : lf + 1;
        if (lf < 0) return false;

        if (_line.Count > 0 && _line[^1] == (byte)'\r') _line.RemoveAt(_line.Count - 1);
        byte[] line = [.. _line];
        _line.Clear();
        if (_expectContinuationLine)
        {
            _expectContinuationLine = false;
            _events.Enqueue(new ImapContinuationLine(Encoding.UTF8.GetString(line)));
            return true;
        }
        OnLine(line);
        return true;
    }

    private void OnLine(byte[] line)
    {
        bool first = _lines.Count == 0 && _literals.Count == 0 && !_discarding;
        if (first)
        {
            if (line.Length == 0)
            {
                _events.Enqueue(new ImapCommandRejected("*", ImapStatus.Bad, null, "Empty command line"));
                return;
            }
            _tag = ExtractTag(line);
        }

        _commandSize += line.Length + 2;
        if (_commandSize > _limits.MaxCommandSize)
        {
            Close($"Command larger than {_limits.MaxCommandSize} bytes");
            return;
        }
        var (literalSize, synchronizing) = ScanLine(line);
        if (literalSize < 0)
        {
            if (!_discarding) _lines.Add(line);
            if (!_discarding) _events.Enqueue(new ImapCommandFramed(new ImapCommandFrame([.. _lines], [.. _literals])));
            ResetCommand();
            return;
        }
        OnLiteralAnnounced(line, literalSize, synchronizing);
    }

    private void OnLiteralAnnounced(byte[] line, long size, bool synchronizing)
    {
        if (_discarding)
        {
            // The command was already refused; a synchronizing literal will never come (no "+" was sent).
            if (synchronizing) ResetCommand();
            else SkipLiteral(size);
            return;
        }
        if (size > _limits.MaxLiteralSize || _commandSize + size > _limits.MaxCommandSize)
        {
            Reject(ImapStatus.No, "TOOBIG", $"Literal of {size} bytes exceeds the limit of {_limits.MaxLiteralSize}");
            if (synchronizing) ResetCommand();
            else SkipLiteral(size);
            return;
        }
        _lines.Add(line);
        _commandSize += size;
        _literal = new byte[(int)Math.Min(size, InitialLiteralCapacity)];
        _literalFilled = 0;
        _literalRemaining = size;
        if (synchronizing) _events.Enqueue(new ImapContinuationNeeded("Ready for literal data"));
    }

    private void SkipLiteral(long size)
    {
        if (size > _limits.MaxDiscardedLiteralSize)
        {
            Close($"Refused literal of {size} bytes is too large to skip");
            return;
        }
        _discarding = true;
        _literalRemaining = size;
    }

    /// <summary>
    /// Tracks quotes and parenthesis depth, refuses NUL and bare CR, and finds a literal announcement at the end.
    /// Returns (-1, false) when the line completes the command.
    /// </summary>
    private (long Size, bool Synchronizing) ScanLine(byte[] line)
    {
        if (!_discarding)
        {
            bool inQuote = false;
            for (int i = 0; i < line.Length; i++)
            {
                byte b = line[i];
                if (b == 0 || b == (byte)'\r')
                {
                    Reject(ImapStatus.Bad, null, b == 0 ? "NUL byte in command" : "Bare CR in command");
                    break;
                }
                if (inQuote)
                {
                    if (b == (byte)'\\') i++;
                    else if (b == (byte)'"') inQuote = false;
                }
                else if (b == (byte)'"') inQuote = true;
                else if (b == (byte)'(' && ++_depth > _limits.MaxNestingDepth)
                {
                    Reject(ImapStatus.Bad, null, $"Lists nested deeper than {_limits.MaxNestingDepth}");
                    break;
                }
                else if (b == (byte)')') _depth--;
            }
            if (inQuote && !_discarding) return (-1, false); // unterminated quote: the parser reports it
        }
        return LiteralAnnouncement.Parse(line);
    }

    private void Reject(ImapStatus status, string? code, string text)
    {
        _discarding = true;
        _events.Enqueue(new ImapCommandRejected(_tag, status, code, text));
    }

    private void Close(string text)
    {
        _closed = true;
        _inputStart = _inputEnd = 0;
        _line.Clear();
        _literal = null;
        _events.Enqueue(new ImapConnectionClosing(text));
    }

    private void ResetCommand()
    {
        _lines.Clear();
        _literals.Clear();
        _line.Clear();
        _tag = "*";
        _commandSize = 0;
        _depth = 0;
        _discarding = false;
        _literal = null;
        _literalFilled = 0;
        _literalRemaining = -1;
    }

    private static string ExtractTag(byte[] line)
    {
        int sp = Array.IndexOf(line, (byte)' ');
        var tag = line.AsSpan(0, sp < 0 ? line.Length : sp);
        foreach (byte b in tag)
            if (!ImapCharClass.IsTagChar(b)) return "*";
        return tag.Length == 0 ? "*" : Encoding.ASCII.GetString(tag);
    }
}
