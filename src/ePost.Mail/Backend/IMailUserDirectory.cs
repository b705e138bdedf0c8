namespace ePost.Mail.Backend;

/// <summary>
/// Who exists and who may log in; implemented by the POST layer (user certificates in the ring, local key store).
/// Implementations must be thread-safe: every session of every protocol calls the same instance.
/// </summary>
public interface IMailUserDirectory
{
    /// <summary>Classifies an address (already syntax-checked, compared case-insensitively in its domain part).</summary>
    Task<AddressKind> ClassifyAsync(string address, CancellationToken cancellation);

    /// <summary>
    /// The local user for a login name and password, or null when either is wrong. Must take the same time for an
    /// unknown user as for a wrong password; the caller does the delaying and rate limiting.
    /// </summary>
    Task<MailUser?> AuthenticateAsync(string userName, string password, CancellationToken cancellation);
}
