namespace ePost.Mail.Backend;

/// <summary>
/// Where SMTP hands over accepted messages. The contract behind "250 after DATA": when <see cref="AcceptAsync"/>
/// returns, the message and its envelope are on stable storage (fsync'd) and will be delivered even if the process dies
/// the next instant. Throwing means "not accepted": the client gets a 451 and retries.
/// </summary>
public interface ISubmissionSpool
{
    /// <summary>Durably records the message for its recipients and returns its spool id.</summary>
    Task<string> AcceptAsync(SpoolEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellation);
}
