using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// Test fixture: folders in memory with UIDs, UIDVALIDITY, flags and sizes, enough for POP3 over the store. The POST
/// layer provides the real store; a fuller in-memory one (rename, copy, move, watch) lives with the IMAP tests.
/// </summary>
public sealed class SimpleMailStore : IMailStore
{
    private readonly object gate = new();
    private readonly Dictionary<(string User, string Folder), Folder> folders = new();

    /// <summary>Number of ExpungeAsync calls (a POP3 session must make at most one, at QUIT).</summary>
    public int ExpungeCalls { get; private set; }

    /// <summary>When set, ExpungeAsync fails with it (the ring out of reach).</summary>
    public MailStoreException? ExpungeFailure { get; set; }

    /// <summary>Adds a message to a folder (created on first use) and returns its UID.</summary>
    public uint Add(MailUser user, string folder, string text, DateTimeOffset? date = null)
    {
        var result = AppendAsync(user, folder, System.Text.Encoding.UTF8.GetBytes(text), [], date, CancellationToken.None).Result;
        return result.Uid;
    }

    /// <summary>Starts a new UIDVALIDITY for a folder, renumbering its messages (what a store does after losing its UID map).</summary>
    public void Renumber(MailUser user, string folder)
    {
        lock (gate)
        {
            var f = Get(user, folder);
            var old = f.Messages.Values.ToList();
            f.Messages.Clear();
            f.UidValidity++;
            foreach (var m in old) f.Messages[f.UidNext] = m with { Uid = f.UidNext++ };
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailUser user, CancellationToken cancellation)
    {
        lock (gate)
        {
            Get(user, "INBOX");
            return Task.FromResult<IReadOnlyList<FolderInfo>>(folders.Keys.Where(k => k.User == user.Name)
                .Select(k => new FolderInfo(k.Folder, [], false)).ToList());
        }
    }

    /// <inheritdoc />
    public Task CreateFolderAsync(MailUser user, string name, CancellationToken cancellation)
    {
        lock (gate)
        {
            if (folders.ContainsKey((user.Name, name))) throw new MailStoreException(MailStoreError.AlreadyExists, $"{name} exists");
            Get(user, name);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RenameFolderAsync(MailUser user, string from, string to, CancellationToken cancellation) => throw NotKept();

    /// <inheritdoc />
    public Task DeleteFolderAsync(MailUser user, string name, CancellationToken cancellation) => throw NotKept();

    /// <inheritdoc />
    public Task SetSubscribedAsync(MailUser user, string name, bool subscribed, CancellationToken cancellation) => throw NotKept();

    /// <inheritdoc />
    public Task<FolderState> ReadFolderAsync(MailUser user, string folder, CancellationToken cancellation)
    {
        lock (gate)
        {
            var f = Find(user, folder);
            var messages = f.Messages.Values.OrderBy(m => m.Uid)
                .Select(m => new FolderMessage(m.Uid, m.Flags.ToList(), m.Date, m.Bytes.Length, m.ModSeq)).ToList();
            return Task.FromResult(new FolderState(folder, f.UidValidity, f.UidNext, messages, f.ModSeq));
        }
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(MailUser user, string folder, ReadOnlyMemory<byte> message, IReadOnlyCollection<string> flags,
        DateTimeOffset? internalDate, CancellationToken cancellation)
    {
        lock (gate)
        {
            var f = Get(user, folder);
            var uid = f.UidNext++;
            f.Messages[uid] = new Stored(uid, message.ToArray(), new HashSet<string>(flags, StringComparer.OrdinalIgnoreCase),
                internalDate ?? DateTimeOffset.UnixEpoch, ++f.ModSeq);
            return Task.FromResult(new AppendResult(f.UidValidity, uid));
        }
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadMessageAsync(MailUser user, string folder, uint uid, CancellationToken cancellation)
    {
        lock (gate) return Task.FromResult(Find(user, folder).Messages.TryGetValue(uid, out var m) ? m.Bytes.ToArray() : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FolderMessage>> StoreFlagsAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, FlagChange change,
        IReadOnlyCollection<string> flags, CancellationToken cancellation) => throw NotKept();

    /// <inheritdoc />
    public Task<CopyResult> CopyAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation) =>
        throw NotKept();

    /// <inheritdoc />
    public Task<CopyResult> MoveAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation) =>
        throw NotKept();

    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> ExpungeAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, CancellationToken cancellation)
    {
        lock (gate)
        {
            ExpungeCalls++;
            if (ExpungeFailure is not null) throw ExpungeFailure;
            var f = Find(user, folder);
            var removed = uids.Where(f.Messages.Remove).Order().ToList();
            if (removed.Count > 0) f.ModSeq++;
            return Task.FromResult<IReadOnlyList<uint>>(removed);
        }
    }

    /// <inheritdoc />
    public IDisposable Watch(MailUser user, Action<string> onChange) => throw NotKept();

    private Folder Get(MailUser user, string folder)
    {
        if (!folders.TryGetValue((user.Name, folder), out var f)) folders[(user.Name, folder)] = f = new Folder();
        return f;
    }

    private Folder Find(MailUser user, string folder) =>
        folder == "INBOX" ? Get(user, folder)
        : folders.TryGetValue((user.Name, folder), out var f) ? f
        : throw new MailStoreException(MailStoreError.NoSuchFolder, $"No folder {folder}");

    private static NotSupportedException NotKept() => new("SimpleMailStore keeps only what POP3 over the store needs.");

    private sealed class Folder
    {
        public uint UidValidity { get; set; } = 1000;
        public uint UidNext { get; set; } = 1;
        public ulong ModSeq { get; set; }
        public SortedDictionary<uint, Stored> Messages { get; } = new();
    }

    private sealed record Stored(uint Uid, byte[] Bytes, HashSet<string> Flags, DateTimeOffset Date, ulong ModSeq);
}
