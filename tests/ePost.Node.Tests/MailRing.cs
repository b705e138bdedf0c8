using System.Security.Cryptography;
using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Mail.Backend;
using ePost.Node.Hosting;
using ePost.Post.Access;
using ePost.Post.Mailbox;

namespace ePost.Node.Tests;

/// <summary>A <see cref="LocalRing"/> with a ring CA and users: real nodes, real POST, real Akka.Remote.</summary>
public sealed class MailRing : IAsyncDisposable
{
    /// <summary>POST timers for a loopback ring: collect every second, check heads every two.</summary>
    public const string FastPost = """
        epost.post { collect-interval = 1s, head-check-interval = 2s, sync-retry = 500ms, request-timeout = 5s }
        epost.mail { smtp-port = 0, smtps-port = 0, pop3-port = 0, pop3s-port = 0, imap-port = 0, imaps-port = 0 }
        epost.dashboard.port = 0
        """;

    /// <summary>The ring CA.</summary>
    public CertificateAuthority Ca { get; } = CertificateAuthority.Create(RandomNumberGenerator.Create());

    /// <summary>A ring whose nodes and users the same CA certifies.</summary>
    public MailRing() => Ring = new LocalRing(Ca);

    /// <summary>The nodes.</summary>
    public LocalRing Ring { get; }

    private ulong _serial;

    /// <summary>Configuration every node of this ring gets.</summary>
    public string Config => $"epost.storage.certificate-authority = \"{Convert.ToHexStringLower(Ca.PublicKey)}\"\n{StorageRing.FastRepair}\n{FastPost}\n{Extra}";

    /// <summary>More configuration for every node (set before the first node starts).</summary>
    public string Extra { get; init; } = "";

    /// <summary>Issues keys for a new user.</summary>
    public UserKeys Issue(string address) => Ca.IssueNewUser(address, ++_serial, RandomNumberGenerator.Create());

    /// <summary>Starts a node serving <paramref name="users"/> (password "secret" each).</summary>
    public Task<NodeHost> AddAsync(params UserKeys[] users) => AddAsync(null, users);

    /// <summary>Starts a node in <paramref name="dataDir"/> serving <paramref name="users"/>.</summary>
    public Task<NodeHost> AddAsync(string? dataDir, params UserKeys[] users) =>
        Ring.AddAsync(Config, users.Select(u => new LocalUser(u, "secret")).ToList(), dataDir);

    /// <summary>Starts a node with a fresh data directory that recovers <paramref name="user"/>'s mailbox from the ring.</summary>
    public Task<NodeHost> AddRecoveringAsync(UserKeys user, string extraConfig = "") =>
        Ring.AddAsync(Config + "\n" + extraConfig, [new LocalUser(user, "secret") { Recover = true }]);

    /// <summary>Waits until the agent has pushed every log record to the ring.</summary>
    public static Task SyncedAsync(IActorRef agent, string because) =>
        Eventually.True(async () => (await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).UnsyncedLogs == 0,
            TimeSpan.FromSeconds(60), because);

    /// <summary>Waits until the node's agent for <paramref name="address"/> has loaded the mailbox.</summary>
    public static async Task<IActorRef> ReadyAgentAsync(NodeHost node, string address)
    {
        var agent = node.Mail!.Agents[address];
        await Eventually.True(async () => (await agent.Ask<AgentStatus>(GetAgentStatus.Instance, TimeSpan.FromSeconds(10))).Ready,
            TimeSpan.FromSeconds(60), $"the mailbox of {address} never loaded");
        return agent;
    }

    /// <summary>True when the node finds the user's certificate in the ring (false while the ring cannot say yet).</summary>
    public static async Task<bool> KnowsCertificateAsync(NodeHost node, string address)
    {
        try
        {
            return await node.Mail!.Services.Certificates.FindAsync(address, refresh: true) is not null;
        }
        catch (Post.Ring.RingException)
        {
            return false;
        }
    }

    /// <summary>The user's INBOX through the node's mail store.</summary>
    public static Task<FolderState> InboxAsync(NodeHost node, string address) =>
        node.Mail!.Store.ReadFolderAsync(new MailUser(address, address), "INBOX", CancellationToken.None);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Ring.DisposeAsync();
}
