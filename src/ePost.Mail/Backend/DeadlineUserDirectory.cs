namespace ePost.Mail.Backend;

/// <summary>
/// An <see cref="IMailUserDirectory"/> whose every call is bounded by a <see cref="BackendDeadline"/>: SMTP's RCPT and
/// every login of the three protocols get an answer in bounded time when the ring cannot classify an address.
/// </summary>
public sealed class DeadlineUserDirectory(IMailUserDirectory inner, BackendDeadline deadline) : IMailUserDirectory
{
    /// <inheritdoc />
    public Task<AddressKind> ClassifyAsync(string address, CancellationToken cancellation) =>
        // Classifying asks the ring; logging in is local: one hung does not make the other fail fast.
        deadline.RunAsync("directory:classify", t => inner.ClassifyAsync(address, t), cancellation);

    /// <inheritdoc />
    public Task<MailUser?> AuthenticateAsync(string userName, string password, CancellationToken cancellation) =>
        deadline.RunAsync("directory:login", t => inner.AuthenticateAsync(userName, password, t), cancellation);
}
