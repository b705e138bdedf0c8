using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: a spool that keeps accepted messages in memory with predictable ids (Q1, Q2, ...) for transcripts.</summary>
public sealed class RecordingSpool : ISubmissionSpool
{
    /// <summary>Accepted messages in order.</summary>
    public List<(string Id, SpoolEnvelope Envelope, byte[] Message)> Accepted { get; } = [];

    /// <summary>When set, AcceptAsync fails with this exception (disk full, etc.).</summary>
    public Exception? Failure { get; set; }

    /// <inheritdoc />
    public Task<string> AcceptAsync(SpoolEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        if (Failure is not null) return Task.FromException<string>(Failure);
        var id = $"Q{Accepted.Count + 1}";
        Accepted.Add((id, envelope, message.ToArray()));
        return Task.FromResult(id);
    }
}
