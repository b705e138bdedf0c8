using System.Text;
using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: INBOXes held in memory (the POST layer provides the real one over folder logs).</summary>
public sealed class InMemoryMailbox : IMailboxAccess
{
    private readonly Dictionary<string, List<(string Uid, byte[] Bytes)>> inboxes = new(StringComparer.Ordinal);

    /// <summary>Number of DeleteAsync calls (deletions must happen once, at QUIT).</summary>
    public int DeleteCalls { get; private set; }

    /// <summary>Adds a message (text with CR LF line ends) to a user's INBOX.</summary>
    public void Add(string user, string uid, string text)
    {
        if (!inboxes.TryGetValue(user, out var list)) inboxes[user] = list = [];
        list.Add((uid, Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The unique ids still in a user's INBOX.</summary>
    public IReadOnlyList<string> Uids(string user) => inboxes.TryGetValue(user, out var list) ? list.Select(m => m.Uid).ToList() : [];

    /// <inheritdoc />
    public Task<IReadOnlyList<MailboxMessage>> ListInboxAsync(MailUser user, CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<MailboxMessage>>(inboxes.TryGetValue(user.Name, out var list)
            ? list.Select(m => new MailboxMessage(m.Uid, m.Bytes.Length)).ToList()
            : []);

    /// <inheritdoc />
    public Task<byte[]?> ReadAsync(MailUser user, string uniqueId, CancellationToken cancellation) =>
        Task.FromResult(inboxes.TryGetValue(user.Name, out var list) ? list.FirstOrDefault(m => m.Uid == uniqueId).Bytes : null);

    /// <inheritdoc />
    public Task DeleteAsync(MailUser user, IReadOnlyCollection<string> uniqueIds, CancellationToken cancellation)
    {
        DeleteCalls++;
        if (inboxes.TryGetValue(user.Name, out var list)) list.RemoveAll(m => uniqueIds.Contains(m.Uid));
        return Task.CompletedTask;
    }
}
