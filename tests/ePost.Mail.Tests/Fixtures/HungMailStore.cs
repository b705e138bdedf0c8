using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: an <see cref="InMemoryMailStore"/> behind a <see cref="HungLayer"/>.</summary>
public sealed class HungMailStore(IMailStore inner, HungLayer layer) : IMailStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailUser user, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.ListFoldersAsync(user, cancellation);
    }

    /// <inheritdoc />
    public async Task CreateFolderAsync(MailUser user, string name, CancellationToken cancellation)
    {
        await layer.PassAsync();
        await inner.CreateFolderAsync(user, name, cancellation);
    }

    /// <inheritdoc />
    public async Task RenameFolderAsync(MailUser user, string from, string to, CancellationToken cancellation)
    {
        await layer.PassAsync();
        await inner.RenameFolderAsync(user, from, to, cancellation);
    }

    /// <inheritdoc />
    public async Task DeleteFolderAsync(MailUser user, string name, CancellationToken cancellation)
    {
        await layer.PassAsync();
        await inner.DeleteFolderAsync(user, name, cancellation);
    }

    /// <inheritdoc />
    public async Task SetSubscribedAsync(MailUser user, string name, bool subscribed, CancellationToken cancellation)
    {
        await layer.PassAsync();
        await inner.SetSubscribedAsync(user, name, subscribed, cancellation);
    }

    /// <inheritdoc />
    public async Task<FolderState> ReadFolderAsync(MailUser user, string folder, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.ReadFolderAsync(user, folder, cancellation);
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(MailUser user, string folder, ReadOnlyMemory<byte> message, IReadOnlyCollection<string> flags,
        DateTimeOffset? internalDate, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.AppendAsync(user, folder, message, flags, internalDate, cancellation);
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadMessageAsync(MailUser user, string folder, uint uid, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.ReadMessageAsync(user, folder, uid, cancellation);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FolderMessage>> StoreFlagsAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, FlagChange change,
        IReadOnlyCollection<string> flags, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.StoreFlagsAsync(user, folder, uids, change, flags, cancellation);
    }

    /// <inheritdoc />
    public async Task<CopyResult> CopyAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.CopyAsync(user, folder, uids, destination, cancellation);
    }

    /// <inheritdoc />
    public async Task<CopyResult> MoveAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, string destination, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.MoveAsync(user, folder, uids, destination, cancellation);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<uint>> ExpungeAsync(MailUser user, string folder, IReadOnlyCollection<uint> uids, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.ExpungeAsync(user, folder, uids, cancellation);
    }

    /// <inheritdoc />
    public IDisposable Watch(MailUser user, Action<string> onChange) => inner.Watch(user, onChange);
}
