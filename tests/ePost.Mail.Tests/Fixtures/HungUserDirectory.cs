using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: a user directory whose classification asks a <see cref="HungLayer"/> first (logins stay local).</summary>
public sealed class HungUserDirectory(IMailUserDirectory inner, HungLayer layer) : IMailUserDirectory
{
    /// <inheritdoc />
    public async Task<AddressKind> ClassifyAsync(string address, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.ClassifyAsync(address, cancellation);
    }

    /// <inheritdoc />
    public Task<MailUser?> AuthenticateAsync(string userName, string password, CancellationToken cancellation) =>
        inner.AuthenticateAsync(userName, password, cancellation);
}
