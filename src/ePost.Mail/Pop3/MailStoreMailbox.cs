using System.Globalization;
using ePost.Mail.Backend;

namespace ePost.Mail.Pop3;

/// <summary>
/// POP3's view of a user's INBOX in the mail store: UIDL is "&lt;uidvalidity&gt;.&lt;uid&gt;", so an id stays valid for
/// exactly as long as the store keeps that UID, and a new UIDVALIDITY makes every old id unknown rather than wrong.
/// </summary>
public sealed class MailStoreMailbox(IMailStore store) : IMailboxAccess
{
    /// <summary>The one folder POP3 serves.</summary>
    public const string Inbox = "INBOX";

    /// <inheritdoc />
    public async Task<IReadOnlyList<MailboxMessage>> ListInboxAsync(MailUser user, CancellationToken cancellation)
    {
        var folder = await store.ReadFolderAsync(user, Inbox, cancellation);
        return folder.Messages.Select(m => new MailboxMessage(UniqueId(folder.UidValidity, m.Uid), m.Size)).ToList();
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadAsync(MailUser user, string uniqueId, CancellationToken cancellation)
    {
        if (!TryParse(uniqueId, out var validity, out var uid)) return null;
        // The UID alone is not enough: after a UIDVALIDITY change the same number may name another message.
        var folder = await store.ReadFolderAsync(user, Inbox, cancellation);
        if (folder.UidValidity != validity) return null;
        return await store.ReadMessageAsync(user, Inbox, uid, cancellation);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(MailUser user, IReadOnlyCollection<string> uniqueIds, CancellationToken cancellation)
    {
        var folder = await store.ReadFolderAsync(user, Inbox, cancellation);
        var uids = new List<uint>();
        foreach (var id in uniqueIds)
        {
            if (TryParse(id, out var validity, out var uid) && validity == folder.UidValidity) uids.Add(uid);
        }
        // One ExpungeAsync is one log entry: the deletions of a POP3 session happen all together or not at all.
        if (uids.Count > 0) await store.ExpungeAsync(user, Inbox, uids, cancellation);
    }

    /// <summary>The POP3 unique id of a message.</summary>
    public static string UniqueId(uint uidValidity, uint uid) =>
        uidValidity.ToString(CultureInfo.InvariantCulture) + "." + uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Splits a unique id made by <see cref="UniqueId"/>; anything else (a client's or another store's id) is refused.</summary>
    public static bool TryParse(string uniqueId, out uint uidValidity, out uint uid)
    {
        uidValidity = uid = 0;
        var dot = uniqueId.IndexOf('.');
        return dot > 0 && uniqueId.Length <= 21
               && uint.TryParse(uniqueId.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out uidValidity)
               && uint.TryParse(uniqueId.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out uid)
               && uid > 0
               // Only the canonical spelling: "07.5" would otherwise name the same message as "7.5".
               && string.Equals(UniqueId(uidValidity, uid), uniqueId, StringComparison.Ordinal);
    }
}
