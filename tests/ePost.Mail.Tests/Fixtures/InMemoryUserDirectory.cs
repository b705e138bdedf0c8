using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: a user directory held in memory (the POST layer provides the real one).</summary>
public sealed class InMemoryUserDirectory : IMailUserDirectory
{
    private readonly Dictionary<string, (string Password, MailUser User)> logins = new(StringComparer.Ordinal);
    private readonly HashSet<string> local = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> ring = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Domains the ring serves.</summary>
    public HashSet<string> RingDomains { get; } = new(StringComparer.OrdinalIgnoreCase) { "ring.test" };

    /// <summary>When set, ClassifyAsync fails with it (the ring out of reach).</summary>
    public Exception? ClassifyFailure { get; set; }

    /// <summary>alice (password "secret", alice@ring.test) is local; bob@ring.test is a ring user on another node.</summary>
    public static InMemoryUserDirectory Standard()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddLocal("alice", "secret", "alice@ring.test");
        directory.AddRing("bob@ring.test");
        return directory;
    }

    /// <summary>Adds a user of this node.</summary>
    public void AddLocal(string name, string password, string address)
    {
        logins[name] = (password, new MailUser(name, address));
        local.Add(address);
    }

    /// <summary>Adds a user served elsewhere in the ring.</summary>
    public void AddRing(string address) => ring.Add(address);

    /// <inheritdoc />
    public Task<AddressKind> ClassifyAsync(string address, CancellationToken cancellation)
    {
        if (ClassifyFailure is not null) return Task.FromException<AddressKind>(ClassifyFailure);
        if (local.Contains(address)) return Task.FromResult(AddressKind.LocalUser);
        if (ring.Contains(address)) return Task.FromResult(AddressKind.RingUser);
        var domain = address[(address.LastIndexOf('@') + 1)..];
        return Task.FromResult(RingDomains.Contains(domain) ? AddressKind.UnknownInRingDomain : AddressKind.Foreign);
    }

    /// <inheritdoc />
    public Task<MailUser?> AuthenticateAsync(string userName, string password, CancellationToken cancellation) =>
        Task.FromResult(logins.TryGetValue(userName, out var entry) && entry.Password == password ? entry.User : null);
}
