using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// Test fixture: a faithful in-memory <see cref="IMailStore"/> (the POST layer provides the real one over folder logs).
/// UIDVALIDITY comes from a store-wide counter, so a folder created again under an old name gets a new one; UIDs only
/// grow; every change bumps the folder's mod-sequence and calls the user's watchers after the lock is released.
/// </summary>
public sealed partial class InMemoryMailStore : IMailStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, UserData> users = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string User, Action<string> Callback)> watchers = [];
    private uint nextUidValidity = 1000;

    /// <summary>The instant messages arrive at when no internal date is given.</summary>
    public DateTimeOffset Now { get; set; } = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>When set, every request fails with <see cref="MailStoreError.Unavailable"/> (the ring out of reach).</summary>
    public bool Unavailable { get; set; }

    /// <summary>Number of ReadMessageAsync calls (a FETCH of flags and sizes must not load messages).</summary>
    public int MessageReads { get; private set; }

    /// <summary>Files a message the way delivery does (tests: "new mail arrives").</summary>
    public AppendResult Deliver(MailUser user, string folder, string text, params string[] flags) =>
        AppendAsync(user, folder, System.Text.Encoding.UTF8.GetBytes(text), flags, null, CancellationToken.None).Result;

    /// <summary>Creates a folder with special-use attributes (the node creates Sent, Trash and so on).</summary>
    public void AddSpecialFolder(MailUser user, string name, params string[] specialUse)
    {
        lock (gate) Data(user).Folders[name] = new Folder(nextUidValidity++) { SpecialUse = specialUse };
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailUser user, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        lock (gate)
        {
            var data = Data(user);
            return Task.FromResult<IReadOnlyList<FolderInfo>>(data.Folders
                .Select(f => new FolderInfo(f.Key, f.Value.SpecialUse, data.Subscribed.Contains(f.Key), f.Value.MailboxId)).ToList());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailUser user, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        lock (gate) return Task.FromResult<IReadOnlyList<string>>(Data(user).Subscribed.ToList());
    }

    /// <inheritdoc />
    public Task CreateFolderAsync(MailUser user, string name, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        Mutate(user, "", data =>
        {
            CheckName(name);
            if (data.Folders.ContainsKey(Canonical(name))) throw new MailStoreException(MailStoreError.AlreadyExists, $"{name} already exists");
            var levels = name.Split('/');
            for (int i = 1; i <= levels.Length; i++)
            {
                var path = Canonical(string.Join('/', levels[..i]));
                if (!data.Folders.ContainsKey(path)) data.Folders[path] = new Folder(nextUidValidity++);
            }
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RenameFolderAsync(MailUser user, string from, string to, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        Mutate(user, "", data =>
        {
            from = Canonical(from);
            to = Canonical(to);
            CheckName(to);
            if (!data.Folders.TryGetValue(from, out var folder)) throw new MailStoreException(MailStoreError.NoSuchFolder, $"No folder {from}");
            if (data.Folders.ContainsKey(to)) throw new MailStoreException(MailStoreError.AlreadyExists, $"{to} already exists");
            if (from == "INBOX")
            {
                // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new folder and leaves INBOX empty.
                var moved = new Folder(nextUidValidity++);
                foreach (var m in folder.Messages) moved.Add(m with { Uid = moved.UidNext, SaveDate = Now });
                data.Folders[to] = moved;
                data.Folders["INBOX"] = new Folder(nextUidValidity++);
                return;
            }
            foreach (var name in data.Folders.Keys.Where(n => n == from || n.StartsWith(from + "/", StringComparison.Ordinal)).ToList())
            {
                data.Folders.Remove(name, out var moved);
                data.Folders[to + name[from.Length..]] = moved!;
            }
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteFolderAsync(MailUser user, string name, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        Mutate(user, "", data =>
        {
            name = Canonical(name);
            if (name == "INBOX") throw new MailStoreException(MailStoreError.NotAllowed, "INBOX cannot be deleted");
            if (!data.Folders.Remove(name)) throw new MailStoreException(MailStoreError.NoSuchFolder, $"No folder {name}");
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetSubscribedAsync(MailUser user, string name, bool subscribed, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        lock (gate)
        {
            if (subscribed) Data(user).Subscribed.Add(Canonical(name));
            else Data(user).Subscribed.Remove(Canonical(name));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<FolderState> ReadFolderAsync(MailUser user, string folder, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        lock (gate)
        {
            var f = Find(Data(user), folder);
            var messages = f.Messages.Select(m => m.ToFolderMessage()).ToList();
            return Task.FromResult(new FolderState(Canonical(folder), f.UidValidity, f.UidNext, messages, f.HighestModSeq, f.MailboxId));
        }
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(MailUser user, string folder, ReadOnlyMemory<byte> message, IReadOnlyCollection<string> flags,
        DateTimeOffset? internalDate, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        AppendResult? result = null;
        Mutate(user, Canonical(folder), data =>
        {
            var f = Find(data, folder);
            var stored = new StoredMessage(f.UidNext, Flags(flags), internalDate ?? Now, message.ToArray(), 0, Now);
            f.Add(stored);
            result = new AppendResult(f.UidValidity, stored.Uid);
        });
        return Task.FromResult(result!);
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadMessageAsync(MailUser user, string folder, uint uid, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        lock (gate)
        {
            MessageReads++;
            var messages = Find(Data(user), folder).Messages;
            // UIDs ascend, so a binary search keeps a 10,000-message benchmark from measuring this fixture.
            int lo = 0, hi = messages.Count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (messages[mid].Uid == uid) return Task.FromResult<byte[]?>(messages[mid].Bytes.ToArray());
                if (messages[mid].Uid < uid) lo = mid + 1;
                else hi = mid - 1;
            }
            return Task.FromResult<byte[]?>(null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FolderMessage>> StoreFlagsAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, FlagChange change,
        IReadOnlyCollection<string> flags, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        var changed = new List<FolderMessage>();
        Mutate(user, Canonical(folder), data =>
        {
            var f = Find(data, folder);
            ulong modSeq = ++f.HighestModSeq;
            for (int i = 0; i < f.Messages.Count; i++)
            {
                var m = f.Messages[i];
                if (!uids.Contains(m.Uid)) continue;
                var next = change switch
                {
                    FlagChange.Add => Flags(m.Flags.Concat(flags)),
                    FlagChange.Remove => Flags(m.Flags.Where(x => !flags.Contains(x, StringComparer.OrdinalIgnoreCase))),
                    _ => Flags(flags),
                };
                f.Messages[i] = m = m with { Flags = next, ModSeq = modSeq };
                changed.Add(m.ToFolderMessage());
            }
        });
        return Task.FromResult<IReadOnlyList<FolderMessage>>(changed);
    }

    /// <inheritdoc />
    public Task<CopyResult> CopyAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation) =>
        Task.FromResult(Transfer(user, folder, uids, destination, removeOriginals: false));

    /// <inheritdoc />
    public Task<CopyResult> MoveAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation) =>
        Task.FromResult(Transfer(user, folder, uids, destination, removeOriginals: true));

    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> ExpungeAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, CancellationToken cancellation)
    {
        ThrowIfUnavailable();
        var removed = new List<uint>();
        Mutate(user, Canonical(folder), data =>
        {
            var f = Find(data, folder);
            removed.AddRange(f.Messages.Where(m => uids.Contains(m.Uid)).Select(m => m.Uid));
            f.Messages.RemoveAll(m => uids.Contains(m.Uid));
            f.HighestModSeq++;
        });
        return Task.FromResult<IReadOnlyList<uint>>(removed);
    }

    /// <inheritdoc />
    public IDisposable Watch(MailUser user, Action<string> onChange)
    {
        var entry = (user.Address, onChange);
        lock (gate) watchers.Add(entry);
        return new Unwatch(() =>
        {
            lock (gate) watchers.Remove(entry);
        });
    }

    /// <summary>Number of active watches (sessions must release theirs when the connection ends).</summary>
    public int WatchCount
    {
        get
        {
            lock (gate) return watchers.Count;
        }
    }

    private CopyResult Transfer(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, bool removeOriginals)
    {
        ThrowIfUnavailable();
        CopyResult? result = null;
        Mutate(user, Canonical(folder), data =>
        {
            var source = Find(data, folder);
            if (!data.Folders.TryGetValue(Canonical(destination), out var target))
                throw new MailStoreException(MailStoreError.NoSuchFolder, $"No folder {destination}");
            var pairs = new List<(uint, uint)>();
            foreach (var m in source.Messages.Where(m => uids.Contains(m.Uid)).ToList())
            {
                var copy = m with { Uid = target.UidNext, SaveDate = Now };
                target.Add(copy);
                pairs.Add((m.Uid, copy.Uid));
            }
            if (removeOriginals)
            {
                source.Messages.RemoveAll(m => uids.Contains(m.Uid));
                source.HighestModSeq++;
            }
            result = new CopyResult(target.UidValidity, pairs.Select(p => p.Item1).ToList(), pairs.Select(p => p.Item2).ToList());
        }, Canonical(destination));
        return result!;
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable) throw new MailStoreException(MailStoreError.Unavailable, "The ring cannot be reached; try again");
    }

    private void Mutate(MailUser user, string folder, Action<UserData> change, string? alsoChanged = null)
    {
        List<Action<string>> callbacks;
        lock (gate)
        {
            change(Data(user));
            callbacks = watchers.Where(w => string.Equals(w.User, user.Address, StringComparison.OrdinalIgnoreCase)).Select(w => w.Callback).ToList();
        }
        foreach (var callback in callbacks)
        {
            callback(folder);
            if (alsoChanged is not null) callback(alsoChanged);
        }
    }

    private UserData Data(MailUser user)
    {
        if (!users.TryGetValue(user.Address, out var data))
        {
            users[user.Address] = data = new UserData();
            data.Folders["INBOX"] = new Folder(nextUidValidity++);
        }
        return data;
    }

    private static Folder Find(UserData data, string name) =>
        data.Folders.TryGetValue(Canonical(name), out var folder) ? folder : throw new MailStoreException(MailStoreError.NoSuchFolder, $"No folder {name}");

    private static string Canonical(string name) => string.Equals(name, "INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : name;

    private static void CheckName(string name)
    {
        if (name.Length == 0 || name.Split('/').Any(level => level.Length == 0) || name.Any(char.IsControl))
            throw new MailStoreException(MailStoreError.InvalidName, $"'{name}' is not a valid folder name");
    }

    private static IReadOnlyList<string> Flags(IEnumerable<string> flags) =>
        flags.Where(f => !string.Equals(f, "\\Recent", StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
