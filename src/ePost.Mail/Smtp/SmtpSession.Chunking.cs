using ePost.Mail.Backend;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp.Commands;

namespace ePost.Mail.Smtp;

// CHUNKING (RFC 3030): BDAT chunks counted in octets instead of DATA's dot-terminated lines.
public sealed partial class SmtpSession
{
    private Chunk? chunk;
    private MemoryStream? chunked;

    /// <inheritdoc />
    public long RawOctetsWanted => chunk?.Remaining ?? 0;

    /// <inheritdoc />
    public async ValueTask<SessionStep> HandleRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellation)
    {
        var current = chunk ?? throw new InvalidOperationException("No BDAT chunk is being read.");
        if (bytes.Length > current.Remaining) throw new ArgumentException("More bytes than the chunk has.", nameof(bytes));
        if (current.Refusal is null) chunked!.Write(bytes.Span);
        current.Remaining -= bytes.Length;
        return current.Remaining > 0 ? SessionStep.None : Paced(await EndChunkAsync(cancellation));
    }

    private async ValueTask<SessionStep> StartChunkAsync(BdatCommand bdat, CancellationToken cancellation)
    {
        // A chunk larger than any message can never be taken, and reading it only to discard it would let a client
        // keep the server busy indefinitely: the connection ends here (the client cannot resynchronise without it).
        if (bdat.Size > settings.MaxMessageSize)
            return SessionStep.ReplyAndClose("552 5.3.4 Chunk size exceeds fixed maximum message size", $"421 4.7.0 {settings.HostName} closing connection");
        var refusal = State switch
        {
            SmtpState.Recipients or SmtpState.Chunking when (chunked?.Length ?? 0) + bdat.Size > settings.MaxMessageSize =>
                "552 5.3.4 Message size exceeds fixed maximum message size",
            SmtpState.Recipients or SmtpState.Chunking => null,
            SmtpState.Connected => "503 5.5.1 Send EHLO or HELO first",
            SmtpState.Mail => "554 5.5.1 No valid recipients",
            _ => "503 5.5.1 Need MAIL and RCPT before BDAT",
        };
        if (refusal is null)
        {
            chunked ??= new MemoryStream();
            State = SmtpState.Chunking;
        }
        else if (State == SmtpState.Chunking || State == SmtpState.Recipients)
        {
            // RFC 3030 §2: after a failed BDAT the transaction is over; the client's pipelined chunks that follow are
            // read and discarded (503), never glued to a later message.
            ResetTransaction();
            State = SmtpState.Greeted;
        }
        // The chunk is always read, refused or not: its octets are message data, never commands.
        chunk = new Chunk(bdat.Size, bdat.Last, refusal);
        return bdat.Size == 0 ? await EndChunkAsync(cancellation) : SessionStep.None;
    }

    private async ValueTask<SessionStep> EndChunkAsync(CancellationToken cancellation)
    {
        var done = chunk!;
        chunk = null;
        if (done.Refusal is not null) return Error(done.Refusal);
        if (!done.Last) return SessionStep.Reply($"250 2.0.0 {done.Size} octets received");
        var message = chunked!.ToArray();
        var envelope = Envelope();
        ResetTransaction();
        State = SmtpState.Greeted;
        var fault = SmtpDataReader.Inspect(message, settings.MaxDataLine);
        if (fault != DataFault.None) return SessionStep.Reply(Refusal(fault));
        // DATA always ends the text with CR LF; a chunked message whose last line lacks it is stored the same way.
        if (message.Length > 0 && message[^1] != (byte)'\n') message = [.. message, (byte)'\r', (byte)'\n'];
        return await SpoolAsync(envelope, message, cancellation);
    }

    private sealed class Chunk(long size, bool last, string? refusal)
    {
        public long Size { get; } = size;

        public bool Last { get; } = last;

        public string? Refusal { get; } = refusal;

        public long Remaining { get; set; } = size;
    }
}
