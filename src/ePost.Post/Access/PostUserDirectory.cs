using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Post.Identity;

namespace ePost.Post.Access;

/// <summary>The mail protocols' view of users: local users log in; any address with a certificate in the ring is a ring user.</summary>
/// <param name="users">The users this node serves.</param>
/// <param name="certificates">The ring's certificates.</param>
/// <param name="ringDomains">Domains whose every user lives in the ring: an address there without a certificate is unknown, not foreign.</param>
/// <param name="devices">
/// Users' device lists: a local user also logs in with the mail password of any device the user's newest verified
/// device list names as active (so a client of a paired device can use this node), and no longer once it is revoked.
/// Null: only the user's own password.
/// </param>
public sealed class PostUserDirectory(IReadOnlyList<LocalUser> users, CertificateDirectory certificates, IReadOnlyCollection<string> ringDomains,
    DeviceDirectory? devices = null) : IMailUserDirectory
{
    private readonly Dictionary<string, LocalUser> _byAddress = users.ToDictionary(u => u.Address, StringComparer.Ordinal);
    private readonly HashSet<string> _domains = ringDomains.Concat(users.Select(u => u.Address[(u.Address.LastIndexOf('@') + 1)..]))
        .Select(d => d.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    /// <summary>The local user with this address, or null.</summary>
    public LocalUser? Find(string address)
    {
        try
        {
            return _byAddress.GetValueOrDefault(UserCertificate.NormalizeAddress(address));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<AddressKind> ClassifyAsync(string address, CancellationToken cancellation)
    {
        if (Find(address) is not null) return AddressKind.LocalUser;
        string normal;
        try
        {
            normal = UserCertificate.NormalizeAddress(address);
        }
        catch (ArgumentException)
        {
            return AddressKind.Foreign;
        }
        if (await certificates.FindAsync(normal, cancellation: cancellation).ConfigureAwait(false) is not null) return AddressKind.RingUser;
        return _domains.Contains(normal[(normal.LastIndexOf('@') + 1)..]) ? AddressKind.UnknownInRingDomain : AddressKind.Foreign;
    }

    /// <inheritdoc />
    public Task<MailUser?> AuthenticateAsync(string userName, string password, CancellationToken cancellation)
    {
        // Login by full address, or by local part when exactly one local user has it.
        var user = Find(userName) ?? (userName.Contains('@') ? null : SingleByLocalPart(userName));
        if (user is null)
        {
            LocalUser.Burn(password);
            return Task.FromResult<MailUser?>(null);
        }
        if (user.Verify(password)) return Task.FromResult<MailUser?>(new MailUser(userName, user.Address));
        return devices is null ? Task.FromResult<MailUser?>(null) : AuthenticateDeviceAsync(user, userName, password, cancellation);
    }

    private async Task<MailUser?> AuthenticateDeviceAsync(LocalUser user, string userName, string password, CancellationToken cancellation)
    {
        // Asked afresh at every login, so a revocation anywhere in the ring ends the device's logins here at once.
        var list = await devices!.FindAsync(user.Keys.Certificate, cancellation).ConfigureAwait(false);
        return list?.FindLogin(password) is not null ? new MailUser(userName, user.Address) : null;
    }

    private LocalUser? SingleByLocalPart(string localPart)
    {
        var matches = _byAddress.Values.Where(u => string.Equals(u.LocalPart, localPart, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
