using ePost.Mail.Backend;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Imap.Mime;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.States;
using ePost.Mail.Sessions;

namespace ePost.Mail.Imap;

// Commands naming a mailbox (RFC 3501 §6.3): SELECT, EXAMINE, CLOSE, UNSELECT, CREATE, DELETE, RENAME, SUBSCRIBE,
// UNSUBSCRIBE, LIST, LSUB, STATUS, APPEND.
public sealed partial class ImapSession
{
    private async Task<SessionStep> SelectAsync(ImapResponseWriter writer, SelectCommand command, CancellationToken cancellation)
    {
        if (command.QResync is not null && !qresync)
        {
            writer.Tagged(command.Tag, ImapStatus.Bad, null, "QRESYNC must be enabled first (ENABLE QRESYNC)");
            return CountError(writer);
        }
        // RFC 7162 §3.2.11 and RFC 9051 §7.1: with QRESYNC or IMAP4rev2 the client is told where the old mailbox's responses end.
        if ((qresync || imap4rev2) && selected is not null) writer.UntaggedStatus(ImapStatus.Ok, "CLOSED", "Previous mailbox closed");
        // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1), so the old one is closed first.
        selected = null;
        State = ImapSessionState.Authenticated;
        Interlocked.Exchange(ref folderChanged, 0);
        var state = await store.ReadFolderAsync(User!, command.Mailbox, cancellation);
        var snapshot = SelectedFolder.Snapshot(state);
        var claimed = command.ReadOnly ? recent.Peek(User!, command.Mailbox, snapshot) : recent.Claim(User!, command.Mailbox, snapshot);
        var folder = new SelectedFolder(command.Mailbox, command.ReadOnly, state, new SelectedMailboxView(snapshot, claimed) { Imap4Rev2 = imap4rev2 });
        condStore |= command.CondStore;
        folder.View.WriteSelectData(writer, folder.AnnounceKeywords(state), condStore, command.ReadOnly);
        if (state.MailboxId is { } mailboxId) writer.UntaggedStatus(ImapStatus.Ok, $"MAILBOXID ({mailboxId})", "Ok");
        if (imap4rev2) await WriteSelectedListAsync(writer, command.Mailbox, cancellation);
        savedResult = [];
        if (command.QResync is { } known && known.UidValidity == folder.View.UidValidity) WriteResync(writer, folder.View, known);
        selected = folder;
        State = ImapSessionState.Selected;
        writer.Tagged(command.Tag, ImapStatus.Ok, command.ReadOnly ? "READ-ONLY" : "READ-WRITE",
            command.ReadOnly ? "EXAMINE completed" : "SELECT completed");
        return Step(writer);
    }

    /// <summary>RFC 9051 §6.3.2: an IMAP4rev2 SELECT names the mailbox in a LIST response with its attributes.</summary>
    private async Task WriteSelectedListAsync(ImapResponseWriter writer, string mailbox, CancellationToken cancellation)
    {
        var folders = await store.ListFoldersAsync(User!, cancellation);
        var attributes = new List<string>
        {
            folders.Any(f => f.Name.StartsWith(mailbox + ImapDataResponses.HierarchyDelimiter, StringComparison.Ordinal)) ? "\\HasChildren" : "\\HasNoChildren",
        };
        if (folders.FirstOrDefault(f => f.Name == mailbox) is { } self)
        {
            if (self.Subscribed) attributes.Add("\\Subscribed");
            attributes.AddRange(self.SpecialUse);
        }
        ImapDataResponses.List(writer, attributes, mailbox);
    }

    /// <summary>
    /// RFC 7162 §3.2.5.2: what changed since the client's MODSEQ, as VANISHED (EARLIER) for the UIDs it knew that are
    /// gone, then FETCH (UID FLAGS MODSEQ) for every message changed or added since. Nothing when nothing changed.
    /// </summary>
    private static void WriteResync(ImapResponseWriter writer, SelectedMailboxView view, QResyncParameters known)
    {
        if (known.ModSeq >= view.HighestModSeq) return;
        var existing = view.Uids;
        var named = known.KnownUids ?? new Sequences.SequenceSet([new(new(1, false), new(uint.MaxValue, false))]);
        if (VanishedSet.Of(named, view.UidNext, existing) is { } vanished) writer.Untagged($"VANISHED (EARLIER) {vanished}");
        for (int i = 0; i < view.Messages.Count; i++)
        {
            var entry = view.Messages[i];
            if (entry.ModSeq <= known.ModSeq) continue;
            writer.Raw("* ").Number((uint)i + 1).Raw(" FETCH (UID ").Number(entry.Uid).Raw(" FLAGS ").FlagList(view.FlagsOf(entry))
                .Raw(" MODSEQ (").Number(entry.ModSeq).Raw("))").EndLine();
        }
    }

    private async Task<SessionStep> CloseAsync(ImapResponseWriter writer, ImapCommand command, bool expunge, CancellationToken cancellation)
    {
        var folder = selected!;
        selected = null;
        State = ImapSessionState.Authenticated;
        if (expunge && !folder.ReadOnly)
        {
            // CLOSE expunges silently (RFC 3501 §6.4.2): the deleted messages go, no EXPUNGE responses are sent.
            var state = await store.ReadFolderAsync(User!, folder.Name, cancellation);
            var deleted = state.Messages.Where(m => HasFlag(m.Flags, "\\Deleted")).Select(m => m.Uid).ToList();
            if (deleted.Count > 0) await store.ExpungeAsync(User!, folder.Name, deleted, cancellation);
        }
        writer.Tagged(command.Tag, ImapStatus.Ok, null, $"{Name(command)} completed");
        return Step(writer);
    }

    private async Task<SessionStep> CreateAsync(ImapResponseWriter writer, CreateCommand command, CancellationToken cancellation)
    {
        if (command.SpecialUse.Count > 0)
        {
            // RFC 6154 §5.2: a mailbox that cannot get the asked special use must not be created.
            writer.Tagged(command.Tag, ImapStatus.No, "USEATTR", "Special-use attributes are assigned by the server");
            return Step(writer);
        }
        // A trailing delimiter only says the client means to create children under the name (RFC 3501 §6.3.3).
        string name = command.Mailbox.TrimEnd(ImapDataResponses.HierarchyDelimiter);
        if (name == "INBOX")
        {
            writer.Tagged(command.Tag, ImapStatus.No, "ALREADYEXISTS", "INBOX always exists");
            return Step(writer);
        }
        await store.CreateFolderAsync(User!, name, cancellation);
        // RFC 8474 §4.1: the new mailbox's id comes with the OK, when the store gives ids.
        string? code = null;
        try
        {
            if ((await store.ReadFolderAsync(User!, name, cancellation)).MailboxId is { } id) code = $"MAILBOXID ({id})";
        }
        catch (MailStoreException e) when (e.Error == MailStoreError.NoSuchFolder)
        {
            // Deleted again by another session in between: the CREATE itself succeeded.
        }
        return await CompleteAsync(writer, command.Tag, "CREATE completed", true, cancellation, code);
    }

    private async Task<SessionStep> DeleteAsync(ImapResponseWriter writer, DeleteCommand command, CancellationToken cancellation)
    {
        if (command.Mailbox == selected?.Name)
        {
            writer.Tagged(command.Tag, ImapStatus.No, "INUSE", "Close the mailbox before deleting it");
            return Step(writer);
        }
        await store.DeleteFolderAsync(User!, command.Mailbox, cancellation);
        return await CompleteAsync(writer, command.Tag, "DELETE completed", true, cancellation);
    }

    private async Task<SessionStep> RenameAsync(ImapResponseWriter writer, RenameCommand command, CancellationToken cancellation)
    {
        string to = command.To.TrimEnd(ImapDataResponses.HierarchyDelimiter);
        await store.RenameFolderAsync(User!, command.From, to, cancellation);
        // Renaming INBOX empties it (its messages move); renaming the selected folder keeps it selected under its new name.
        if (command.From == "INBOX" && selected?.Name == "INBOX") MarkChanged();
        else selected?.FollowRename(command.From, to);
        return await CompleteAsync(writer, command.Tag, "RENAME completed", true, cancellation);
    }

    private async Task<SessionStep> SubscribeAsync(ImapResponseWriter writer, SubscribeCommand command, CancellationToken cancellation)
    {
        await store.SetSubscribedAsync(User!, command.Mailbox, command.Subscribe, cancellation);
        return await CompleteAsync(writer, command.Tag, $"{(command.Subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE")} completed", true, cancellation);
    }

    private async Task<SessionStep> ListAsync(ImapResponseWriter writer, ListCommand command, CancellationToken cancellation)
    {
        string verb = command.IsLsub ? "LSUB" : "LIST";
        if (MailboxListing.IsDelimiterQuery(command))
        {
            ImapDataResponses.List(writer, ["\\Noselect"], "");
            return await CompleteAsync(writer, command.Tag, $"{verb} completed", true, cancellation);
        }
        var folders = await store.ListFoldersAsync(User!, cancellation);
        var mailboxes = folders.Select(f => new MailboxInfo(f.Name, f.SpecialUse, f.Subscribed)).ToList();
        if (command.IsLsub || command.SelectionOptions.Contains("SUBSCRIBED"))
        {
            // RFC 5258 §3.1 / RFC 3501 §6.3.9: a subscription outlives its mailbox, and is listed, as \NonExistent in LIST.
            var existing = folders.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in await store.ListSubscriptionsAsync(User!, cancellation))
                if (!existing.Contains(name)) mailboxes.Add(new MailboxInfo(name, [], Subscribed: true, Exists: false));
        }
        // LIST-STATUS (RFC 5819): RETURN (STATUS (items)) adds a STATUS response after each selectable mailbox.
        var statusItems = command.IsLsub ? null : command.ReturnOptions.FirstOrDefault(o => o.StartsWith("STATUS (", StringComparison.Ordinal))?
            ["STATUS (".Length..^1].Split(' ');
        foreach (var entry in MailboxListing.List(mailboxes, command))
        {
            ImapDataResponses.List(writer, entry.Attributes, entry.Name, command.IsLsub, entry.ChildInfo);
            if (statusItems is null || entry.Attributes.Contains("\\Noselect") || entry.Attributes.Contains("\\NonExistent")) continue;
            try
            {
                var state = await store.ReadFolderAsync(User!, entry.Name, cancellation);
                ImapDataResponses.Status(writer, entry.Name, StatusValues(entry.Name, state, statusItems));
            }
            catch (MailStoreException e) when (e.Error == MailStoreError.NoSuchFolder)
            {
                // Deleted by another session since it was listed: RFC 5819 §2 allows leaving its STATUS out.
            }
        }
        return await CompleteAsync(writer, command.Tag, $"{verb} completed", true, cancellation);
    }

    private async Task<SessionStep> StatusAsync(ImapResponseWriter writer, StatusCommand command, CancellationToken cancellation)
    {
        var state = await store.ReadFolderAsync(User!, command.Mailbox, cancellation);
        ImapDataResponses.Status(writer, command.Mailbox, StatusValues(command.Mailbox, state, command.Items));
        return await CompleteAsync(writer, command.Tag, "STATUS completed", true, cancellation);
    }

    /// <summary>The values of STATUS items (the parser admits only known ones), for STATUS and LIST-STATUS.</summary>
    /// <remarks>MAILBOXID (RFC 8474 §4.3) is left out when the store has no id; DELETED is RFC 9051's count of \Deleted.</remarks>
    private List<KeyValuePair<string, string>> StatusValues(string mailbox, FolderState state, IEnumerable<string> items) =>
        items.Where(item => item != "MAILBOXID" || state.MailboxId is not null)
            .Select(item => new KeyValuePair<string, string>(item, item switch
            {
                "MAILBOXID" => $"({state.MailboxId})",
                _ => StatusNumber(mailbox, state, item).ToString(System.Globalization.CultureInfo.InvariantCulture),
            })).ToList();

    private ulong StatusNumber(string mailbox, FolderState state, string item) => item switch
    {
        "MESSAGES" => (ulong)state.Messages.Count,
        "RECENT" => RecentCount(mailbox, state),
        "UIDNEXT" => state.UidNext,
        "UIDVALIDITY" => state.UidValidity,
        "UNSEEN" => (ulong)state.Messages.Count(m => !HasFlag(m.Flags, "\\Seen")),
        "DELETED" => (ulong)state.Messages.Count(m => HasFlag(m.Flags, "\\Deleted")),
        "HIGHESTMODSEQ" => state.HighestModSeq,
        "SIZE" => (ulong)state.Messages.Sum(m => m.Size),
        _ => throw new InvalidOperationException($"STATUS item {item} passed the parser"),
    };

    /// <summary>STATUS RECENT: the selected folder's own \Recent count, or the messages no session has been told of.</summary>
    private ulong RecentCount(string mailbox, FolderState state) =>
        selected is { } folder && folder.Name == mailbox ? folder.View.RecentCount : recent.CountUnclaimed(User!, mailbox, state);

    private async Task<SessionStep> AppendAsync(ImapResponseWriter writer, AppendCommand command, CancellationToken cancellation)
    {
        if (command.Message.Length == 0)
        {
            writer.Tagged(command.Tag, ImapStatus.No, null, "An empty message cannot be appended");
            return Step(writer);
        }
        if (!IsParsable(command.Message))
        {
            // Every FETCH item must be computable later, so a message MimeKit cannot read is refused now.
            writer.Tagged(command.Tag, ImapStatus.No, "PARSE", "The message is not in RFC 5322 format");
            return Step(writer);
        }
        var result = await store.AppendAsync(User!, command.Mailbox, command.Message, command.Flags.ToList(),
            command.InternalDate ?? clock.Now, cancellation);
        if (command.Mailbox == selected?.Name) MarkChanged();
        return await CompleteAsync(writer, command.Tag, "APPEND completed", true, cancellation,
            ImapDataResponses.AppendUidCode(result.UidValidity, result.Uid));
    }

    private static bool IsParsable(byte[] message)
    {
        try
        {
            ImapMessage.Parse(message);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool HasFlag(IEnumerable<string> flags, string flag) =>
        flags.Any(f => string.Equals(f, flag, StringComparison.OrdinalIgnoreCase));
}
