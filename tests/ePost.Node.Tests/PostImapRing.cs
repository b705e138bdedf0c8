using ePost.Node.Hosting;

namespace ePost.Node.Tests;

/// <summary>
/// One four-node ring shared by the IMAP compliance tests over POST: alice's node serves IMAP with <c>PostMailStore</c>
/// underneath, so every message a test appends is cut into blocks, stored in the ring and read back from it.
/// Each test works in folders of its own.
/// </summary>
public sealed class PostImapRing : IAsyncLifetime
{
    /// <summary>alice's address (password "secret").</summary>
    public const string Alice = "alice@ring.test";

    /// <summary>The ring.</summary>
    public MailRing Mail { get; } = new();

    /// <summary>alice's node.</summary>
    public NodeHost Node { get; private set; } = null!;

    /// <summary>The node's mail ports.</summary>
    public MailEndpoints Endpoints => Node.MailEndpoints!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Node = await Mail.AddAsync(Mail.Issue(Alice));
        for (var i = 0; i < 3; i++) await Mail.AddAsync();
        await MailRing.ReadyAgentAsync(Node, Alice);
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Mail.DisposeAsync();
}
