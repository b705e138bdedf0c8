namespace ePost.Mail.Backend;

/// <summary>
/// An <see cref="IMailStore"/> whose every call is bounded by a <see cref="BackendDeadline"/>: what IMAP and POP3 see of
/// the user's folders, so a stopped or slow POST layer costs a client one deadline and an unavailable reply, never a hang.
/// </summary>
public sealed class DeadlineMailStore(IMailStore inner, BackendDeadline deadline) : IMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailUser user, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.ListFoldersAsync(user, t), cancellation);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailUser user, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.ListSubscriptionsAsync(user, t), cancellation);

    /// <inheritdoc />
    public Task CreateFolderAsync(MailUser user, string name, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.CreateFolderAsync(user, name, t), cancellation);

    /// <inheritdoc />
    public Task RenameFolderAsync(MailUser user, string from, string to, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.RenameFolderAsync(user, from, to, t), cancellation);

    /// <inheritdoc />
    public Task DeleteFolderAsync(MailUser user, string name, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.DeleteFolderAsync(user, name, t), cancellation);

    /// <inheritdoc />
    public Task SetSubscribedAsync(MailUser user, string name, bool subscribed, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.SetSubscribedAsync(user, name, subscribed, t), cancellation);

    /// <inheritdoc />
    public Task<FolderState> ReadFolderAsync(MailUser user, string folder, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.ReadFolderAsync(user, folder, t), cancellation);

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(MailUser user, string folder, ReadOnlyMemory<byte> message, IReadOnlyCollection<string> flags,
        DateTimeOffset? internalDate, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.AppendAsync(user, folder, message, flags, internalDate, t), cancellation);

    /// <inheritdoc />
    public Task<byte[]?> ReadMessageAsync(MailUser user, string folder, uint uid, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.ReadMessageAsync(user, folder, uid, t), cancellation);

    /// <inheritdoc />
    public Task<IReadOnlyList<FolderMessage>> StoreFlagsAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, FlagChange change,
        IReadOnlyCollection<string> flags, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.StoreFlagsAsync(user, folder, uids, change, flags, t), cancellation);

    /// <inheritdoc />
    public Task<CopyResult> CopyAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.CopyAsync(user, folder, uids, destination, t), cancellation);

    /// <inheritdoc />
    public Task<CopyResult> MoveAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.MoveAsync(user, folder, uids, destination, t), cancellation);

    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> ExpungeAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, CancellationToken cancellation) =>
        deadline.RunAsync(Part(user), t => inner.ExpungeAsync(user, folder, uids, t), cancellation);

    /// <inheritdoc />
    public IDisposable Watch(MailUser user, Action<string> onChange) => inner.Watch(user, onChange);

    // One user's mailbox is one part of the layer: a hung mailbox does not make the other users' calls fail fast.
    private static string Part(MailUser user) => "mailbox:" + user.Address.ToLowerInvariant();
}
