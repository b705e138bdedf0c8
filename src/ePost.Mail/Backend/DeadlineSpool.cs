namespace ePost.Mail.Backend;

/// <summary>
/// An <see cref="ISubmissionSpool"/> bounded by a <see cref="BackendDeadline"/>: DATA gets <c>451 4.3.0</c> in bounded
/// time when the spool's storage hangs. A message whose write finishes after the deadline is delivered as well as
/// retried by the client, the duplicate RFC 5321 §6.1 accepts over a lost message.
/// </summary>
public sealed class DeadlineSpool(ISubmissionSpool inner, BackendDeadline deadline) : ISubmissionSpool
{
    private const string Part = "spool";

    /// <inheritdoc />
    public Task<string> AcceptAsync(SpoolEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellation) =>
        deadline.RunAsync(Part, t => inner.AcceptAsync(envelope, message, t), cancellation);
}
