using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap;

// Telling the client what changed in the selected folder (RFC 3501 §5.2, §7.4.1): EXPUNGE, EXISTS, RECENT, FETCH FLAGS.
public sealed partial class ImapSession
{
    /// <summary>
    /// Re-reads the selected folder when the store said it changed (or this session changed it), moves the view to it
    /// and writes the untagged updates. <paramref name="allowExpunge"/> is false during FETCH, STORE and SEARCH, when
    /// message numbers must not shift; <paramref name="reportedByCaller"/> are UIDs whose flags the caller reports itself.
    /// </summary>
    private async Task SynchronizeAsync(ImapResponseWriter writer, bool allowExpunge, CancellationToken cancellation,
        IReadOnlySet<uint>? reportedByCaller = null)
    {
        if (selected is not { } folder) return;
        bool changed = Interlocked.Exchange(ref folderChanged, 0) != 0;
        if (!changed && !(allowExpunge && folder.ExpungeDeferred)) return;
        Backend.FolderState state;
        try
        {
            state = await store.ReadFolderAsync(User!, folder.Name, cancellation);
        }
        catch (Backend.MailStoreException e) when (e.Error == Backend.MailStoreError.NoSuchFolder)
        {
            throw new MailboxGoneException($"Mailbox {folder.Name} was deleted");
        }
        catch (Backend.MailStoreException)
        {
            // Updates are owed, not lost: the store could not be read now (the ring out of reach), so they follow at
            // the next command. Failing here would turn a command that did succeed (an APPEND) into a NO.
            MarkChanged();
            return;
        }
        if (state.UidValidity != folder.View.UidValidity) throw new MailboxGoneException($"Mailbox {folder.Name} was recreated (UIDVALIDITY changed)");
        var snapshot = SelectedFolder.Snapshot(state);
        var claimed = folder.ReadOnly ? recent.Peek(User!, folder.Name, snapshot) : recent.Claim(User!, folder.Name, snapshot);
        var update = folder.View.Synchronize(snapshot, claimed, allowExpunge);
        folder.ExpungeDeferred = !allowExpunge && folder.View.Uids.Any(folder.View.IsExpungePending);
        folder.Update(state);
        // A keyword the client was not told of (stored by another session, or by this one) is announced first.
        if (folder.AnnounceKeywords(state).Count > 0)
            SelectedMailboxView.WriteFlags(writer, folder.AnnouncedKeywords.Order(StringComparer.Ordinal), folder.ReadOnly);
        if (reportedByCaller is not null)
            update = update with { FlagChanges = update.FlagChanges.Where(c => !reportedByCaller.Contains(c.Entry.Uid)).ToList() };
        update.WriteTo(writer, folder.View, includeUid: true, includeModSeq: condStore, vanished: qresync);
    }

    /// <summary>The session itself changed the folder: the next synchronisation must read it.</summary>
    private void MarkChanged() => Interlocked.Exchange(ref folderChanged, 1);
}
