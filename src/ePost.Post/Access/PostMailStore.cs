using Akka.Actor;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Logs;
using ePost.Post.Mailbox;
using ePost.Post.Messages;
using ePost.Post.Ring;

namespace ePost.Post.Access;

/// <summary>
/// <see cref="IMailStore"/> over POST: every change is a command to the user's <see cref="UserAgent"/> (a log record),
/// message bytes are stored as convergent blocks before they are filed, and reads assemble messages from the ring
/// through the node's <see cref="BlockCache"/>.
/// </summary>
public sealed class PostMailStore(IReadOnlyDictionary<string, IActorRef> agents, PostServices services, BlockCache cache) : IMailStore
{
    private TimeSpan Timeout => services.Settings.RequestTimeout * 3;

    /// <inheritdoc />
    public async Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailUser user, CancellationToken cancellation)
    {
        var root = (await AskAsync<RootView>(user, GetRoot.Instance, cancellation).ConfigureAwait(false)).Root;
        return root.Folders
            .Select(f => new FolderInfo(f.Value.Name, FolderNames.SpecialUse(f.Value.Name), root.Subscriptions.Contains(f.Value.Name), MailboxId(f.Key)))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailUser user, CancellationToken cancellation) =>
        (await AskAsync<RootView>(user, GetRoot.Instance, cancellation).ConfigureAwait(false)).Root.Subscriptions.ToList();

    /// <inheritdoc />
    public Task CreateFolderAsync(MailUser user, string name, CancellationToken cancellation) =>
        AskAsync<AgentDone>(user, new CreateFolder(name), cancellation);

    /// <inheritdoc />
    public Task RenameFolderAsync(MailUser user, string from, string to, CancellationToken cancellation) =>
        AskAsync<AgentDone>(user, new RenameFolder(from, to), cancellation);

    /// <inheritdoc />
    public Task DeleteFolderAsync(MailUser user, string name, CancellationToken cancellation) =>
        AskAsync<AgentDone>(user, new DeleteFolder(name), cancellation);

    /// <inheritdoc />
    public Task SetSubscribedAsync(MailUser user, string name, bool subscribed, CancellationToken cancellation) =>
        AskAsync<AgentDone>(user, new SetSubscribed(name, subscribed), cancellation);

    /// <inheritdoc />
    public async Task<FolderState> ReadFolderAsync(MailUser user, string folder, CancellationToken cancellation)
    {
        var view = await AskAsync<FolderView>(user, new GetFolder(folder), cancellation).ConfigureAwait(false);
        var state = view.State;
        return new FolderState(view.Name, state.UidValidity, state.UidNext,
            state.Messages.Select(ToFolderMessage).ToList(), state.HighestModSeq, MailboxId(view.FolderId));
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(MailUser user, string folder, ReadOnlyMemory<byte> message, IReadOnlyCollection<string> flags,
        DateTimeOffset? internalDate, CancellationToken cancellation)
    {
        var encoded = MessageCodec.Encode(message);
        try
        {
            await services.Sender.StoreAsync(encoded, cancellation).ConfigureAwait(false);
        }
        catch (RingException e)
        {
            throw new MailStoreException(e.Refusal is Storage.Objects.RefusalReason.TooLarge or Storage.Objects.RefusalReason.OverBudget
                ? MailStoreError.OverQuota : MailStoreError.Unavailable, "The ring did not take the message: " + e.Message);
        }
        var date = (internalDate ?? services.Clock.GetUtcNow()).ToUnixTimeMilliseconds();
        var reference = new MessageRef(encoded.Manifest.Id.ToBytes(), encoded.Manifest.Key);
        var appended = await AskAsync<Appended>(user, new AppendMessage(folder, reference, encoded.Size, flags, date), cancellation).ConfigureAwait(false);
        return new AppendResult(appended.UidValidity, appended.Uid);
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadMessageAsync(MailUser user, string folder, uint uid, CancellationToken cancellation)
    {
        var view = await AskAsync<FolderView>(user, new GetFolder(folder), cancellation).ConfigureAwait(false);
        return view.State.Find(uid) is { } message ? await ReadAsync(message.Ref, cancellation).ConfigureAwait(false) : null;
    }

    /// <summary>A message's bytes by its reference.</summary>
    /// <exception cref="MailStoreException">With <see cref="MailStoreError.Unavailable"/> when a block cannot be read or does not verify.</exception>
    public async Task<byte[]> ReadAsync(MessageRef reference, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reference);
        try
        {
            var manifestId = RingId.FromBytes(reference.ManifestId);
            var manifestBytes = await cache.ReadAsync(manifestId, cancellation).ConfigureAwait(false);
            var manifest = MessageManifest.Decode(ConvergentEncryption.Decrypt(manifestId, reference.Key, manifestBytes));
            return await MessageCodec.AssembleAsync(manifest, id => cache.ReadAsync(id, cancellation)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RingException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new MailStoreException(MailStoreError.Unavailable, "The message cannot be read from the ring right now: " + e.Message);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FolderMessage>> StoreFlagsAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, FlagChange change,
        IReadOnlyCollection<string> flags, CancellationToken cancellation)
    {
        var stored = await AskAsync<FlagsStored>(user, new ChangeFlags(folder, uids, change, flags), cancellation).ConfigureAwait(false);
        return stored.Messages.Select(ToFolderMessage).ToList();
    }

    /// <inheritdoc />
    public async Task<CopyResult> CopyAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation)
    {
        var copied = await AskAsync<Copied>(user, new CopyMessages(folder, uids, destination, Move: false), cancellation).ConfigureAwait(false);
        return new CopyResult(copied.UidValidity, copied.SourceUids, copied.DestinationUids);
    }

    /// <inheritdoc />
    public async Task<CopyResult> MoveAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation)
    {
        var moved = await AskAsync<Copied>(user, new CopyMessages(folder, uids, destination, Move: true), cancellation).ConfigureAwait(false);
        return new CopyResult(moved.UidValidity, moved.SourceUids, moved.DestinationUids);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<uint>> ExpungeAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, CancellationToken cancellation) =>
        (await AskAsync<Expunged>(user, new ExpungeMessages(folder, uids), cancellation).ConfigureAwait(false)).Uids;

    /// <inheritdoc />
    public IDisposable Watch(MailUser user, Action<string> onChange)
    {
        var agent = AgentOf(user);
        var key = new object();
        agent.Tell(new AddWatcher(key, onChange));
        return new Unwatch(agent, key);
    }

    private static FolderMessage ToFolderMessage(LoggedMessage message) =>
        new(message.Uid, message.Flags, DateTimeOffset.FromUnixTimeMilliseconds(message.InternalDateMs), message.Size, message.ModSeq,
            message.SavedAtMs is { } saved ? DateTimeOffset.FromUnixTimeMilliseconds(saved) : null, EmailId(message.Ref));

    /// <summary>
    /// RFC 8474 MAILBOXID: the folder's random 64-bit id from the root log, which a rename keeps and a folder created
    /// again under an old name does not get (see docs/decisions.md).
    /// </summary>
    internal static string MailboxId(ulong folderId) => "F" + folderId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// RFC 8474 EMAILID: the message's convergent manifest id, which COPY, MOVE and the INBOX rename carry along
    /// unchanged and which only identical content shares (see docs/decisions.md).
    /// </summary>
    internal static string EmailId(MessageRef reference) => "M" + Convert.ToHexStringLower(reference.ManifestId);

    private IActorRef AgentOf(MailUser user) =>
        agents.TryGetValue(user.Address, out var agent)
            ? agent
            : throw new MailStoreException(MailStoreError.NoSuchFolder, $"{user.Address} has no mailbox on this node.");

    private async Task<T> AskAsync<T>(MailUser user, IAgentCommand command, CancellationToken cancellation)
    {
        object answer;
        try
        {
            answer = await AgentOf(user).Ask<object>(command, Timeout, cancellation).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new MailStoreException(MailStoreError.Unavailable, "The mailbox did not answer in time; try again.");
        }
        return answer switch
        {
            T result => result,
            AgentError error => throw new MailStoreException(error.Error, error.Message),
            _ => throw new InvalidOperationException($"The mailbox answered {answer.GetType().Name} to {command.GetType().Name}."),
        };
    }

    private sealed class Unwatch(IActorRef agent, object key) : IDisposable
    {
        public void Dispose() => agent.Tell(new RemoveWatcher(key));
    }
}
