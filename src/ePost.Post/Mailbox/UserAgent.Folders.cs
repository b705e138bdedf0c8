using System.Collections.Immutable;
using System.Security.Cryptography;
using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Post.Logs;
using ePost.Post.Ring;
using ePost.Post.Wire;

namespace ePost.Post.Mailbox;

/// <summary>Folder and message commands: each validated against the current state, then written as log records.</summary>
public sealed partial class UserAgent
{
    private void FolderCommands()
    {
        Command<GetRoot>(_ => Sender.Tell(new RootView(RootState)));
        Command<GetFolder>(get => Reply(() => FolderViewOf(get.Name)));
        Command<CreateFolder>(create => Write(events =>
        {
            var name = FolderNames.Normalize(create.Name);
            if (RootState.FolderIdOf(name) is not null) throw Refuse(MailStoreError.AlreadyExists, $"A folder named {name} exists already.");
            CreateWithParents(name, events);
            return AgentDone.Instance;
        }));
        Command<RenameFolder>(rename => Write(events => Rename(FolderNames.Normalize(rename.From), FolderNames.Normalize(rename.To), events)));
        Command<DeleteFolder>(delete => Write(events =>
        {
            var name = FolderNames.Normalize(delete.Name);
            if (name == FolderNames.Inbox) throw Refuse(MailStoreError.NotAllowed, "INBOX cannot be deleted.");
            var id = FolderIdOf(name);
            // A degraded folder's older messages are unknown: deleting it would lose them without anyone seeing them.
            if (DegradedRefusal(LogHead.FolderLabel(id), name) is { } degraded) throw degraded;
            // The folder's own log records the deletion too: a node that filed mail into it meanwhile (across a
            // partition) then sees a fork of this log, keeps its mail in the merge and brings the folder back.
            if (_books.TryGetValue(LogHead.FolderLabel(id), out var book) && book.State is FolderLogState { Messages.Count: > 0 } doomed)
                events.Add(Append(book, new MessagesDeleted(doomed.Messages.Select(m => m.Uid).ToList())));
            events.Add(Append(RootBook, new FolderDeleted(id)));
            SnapshotIfDue(RootBook, events);
            return AgentDone.Instance;
        }));
        Command<SetSubscribed>(subscribe => Write(events =>
        {
            var name = FolderNames.Normalize(subscribe.Name);
            if (RootState.Subscriptions.Contains(name) != subscribe.Subscribed)
            {
                events.Add(Append(RootBook, new SubscriptionChanged(name, subscribe.Subscribed)));
                SnapshotIfDue(RootBook, events);
            }
            return AgentDone.Instance;
        }));
        Command<AppendMessage>(append => Write(events =>
        {
            var (book, state) = Folder(append.Folder);
            var uid = state.UidNext;
            events.Add(Append(book, new MessageInserted(uid, MessageFlags.Normalize(append.Flags), append.InternalDateMs, append.Size, append.Ref, null, NowMs)));
            SnapshotIfDue(book, events);
            return new Appended(state.UidValidity, uid);
        }));
        Command<ChangeFlags>(change => Write(events => StoreFlags(change, events)));
        Command<ExpungeMessages>(expunge => Write(events =>
        {
            var (book, state) = Folder(expunge.Folder);
            var gone = expunge.Uids.Where(uid => state.Find(uid) is not null).Distinct().Order().ToList();
            if (gone.Count > 0)
            {
                events.Add(Append(book, new MessagesDeleted(gone)));
                SnapshotIfDue(book, events);
            }
            return new Expunged(gone);
        }));
        Command<CopyMessages>(copy => Write(events => Copy(copy, events)));
    }

    /// <summary>Runs a write: the body adds records and returns the reply, or throws <see cref="AgentRefusal"/>; nothing is applied on a refusal.</summary>
    private void Write(Func<List<LogAppended>, object> body)
    {
        var events = new List<LogAppended>();
        object reply;
        try
        {
            reply = body(events);
        }
        catch (AgentRefusal refusal)
        {
            // Refusals are checked before the first record is appended, so no state changed.
            Sender.Tell(new AgentError(refusal.Error, refusal.Message));
            return;
        }
        catch (MailStoreException invalid)
        {
            Sender.Tell(new AgentError(invalid.Error, invalid.Message));
            return;
        }
        var sender = Sender;
        Commit(events, () => sender.Tell(reply));
    }

    private void Reply(Func<object> answer)
    {
        try
        {
            Sender.Tell(answer());
        }
        catch (AgentRefusal refusal)
        {
            Sender.Tell(new AgentError(refusal.Error, refusal.Message));
        }
        catch (MailStoreException invalid)
        {
            Sender.Tell(new AgentError(invalid.Error, invalid.Message));
        }
    }

    private static AgentRefusal Refuse(MailStoreError error, string message) => new(error, message);

    /// <summary>The save date of a message filed now (RFC 8514: APPEND, COPY, MOVE and delivery each start one).</summary>
    private long NowMs => _services.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private ulong FolderIdOf(string name) =>
        RootState.FolderIdOf(name) ?? throw Refuse(MailStoreError.NoSuchFolder, $"There is no folder named {name}.");

    private (LogBook Book, FolderLogState State) Folder(string name)
    {
        var normal = FolderNames.Normalize(name);
        var id = FolderIdOf(normal);
        if (DegradedRefusal(LogHead.FolderLabel(id), normal) is { } degraded) throw degraded;
        if (!_books.TryGetValue(LogHead.FolderLabel(id), out var book) || book.State is not FolderLogState state)
            throw Refuse(MailStoreError.Unavailable, $"Folder {normal} is still being loaded from the ring; try again shortly.");
        return (book, state);
    }

    private FolderView FolderViewOf(string name)
    {
        var normal = FolderNames.Normalize(name);
        // A degraded folder is readable: what verifies of it, under its temporary UIDVALIDITY.
        if (_degraded.TryGetValue(LogHead.FolderLabel(FolderIdOf(normal)), out var degraded)) return new FolderView(normal, FolderIdOf(normal), degraded.State);
        var (_, state) = Folder(normal);
        return new FolderView(normal, FolderIdOf(normal), state);
    }

    private void CreateWithParents(string name, List<LogAppended> events)
    {
        foreach (var level in FolderNames.SelfAndParents(name))
            if (RootState.FolderIdOf(level) is null) CreateFolderRecords(level, events);
    }

    private void CreateFolderRecords(string name, List<LogAppended> events)
    {
        ulong id;
        do id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)); while (id == 0 || RootState.Folders.ContainsKey(id));
        var uidValidity = RootState.NextUidValidity;
        events.Add(Append(RootBook, new FolderCreated(id, name, uidValidity)));
        var book = new LogBook(LogHead.FolderLabel(id), LogHead.NewLogKey());
        _books[book.Label] = book;
        events.Add(Append(book, new FolderSnapshot(FolderLogState.Empty(uidValidity))));
    }

    private object Rename(string from, string to, List<LogAppended> events)
    {
        var id = FolderIdOf(from);
        if (RootState.FolderIdOf(to) is not null) throw Refuse(MailStoreError.AlreadyExists, $"A folder named {to} exists already.");
        if (to == FolderNames.Inbox || to.StartsWith(from + "/", StringComparison.Ordinal))
            throw Refuse(MailStoreError.NotAllowed, $"{from} cannot be renamed to {to}.");
        if (from == FolderNames.Inbox)
        {
            // RFC 3501: renaming INBOX moves its messages into a new folder and leaves INBOX empty; its children stay.
            var (inbox, state) = Folder(from);
            CreateWithParents(to, events);
            var (target, targetState) = Folder(to);
            var uid = targetState.UidNext;
            foreach (var message in state.Messages)
                events.Add(Append(target, new MessageInserted(uid++, message.Flags, message.InternalDateMs, message.Size, message.Ref, null, NowMs)));
            if (state.Messages.Count > 0) events.Add(Append(inbox, new MessagesDeleted(state.Messages.Select(m => m.Uid).ToList())));
            return AgentDone.Instance;
        }
        foreach (var parent in FolderNames.SelfAndParents(to).SkipLast(1))
            if (RootState.FolderIdOf(parent) is null) CreateFolderRecords(parent, events);
        var children = RootState.Folders.Where(f => f.Value.Name.StartsWith(from + "/", StringComparison.Ordinal)).ToList();
        events.Add(Append(RootBook, new FolderRenamed(id, to)));
        foreach (var (childId, child) in children)
            events.Add(Append(RootBook, new FolderRenamed(childId, to + child.Name[from.Length..])));
        SnapshotIfDue(RootBook, events);
        return AgentDone.Instance;
    }

    private object StoreFlags(ChangeFlags change, List<LogAppended> events)
    {
        var given = MessageFlags.Normalize(change.Flags);
        if (_degraded.TryGetValue(LogHead.FolderLabel(FolderIdOf(FolderNames.Normalize(change.Folder))), out var degraded)
            && change.Change == FlagChange.Add && given.All(f => string.Equals(f, "\\Seen", StringComparison.OrdinalIgnoreCase)))
        {
            // Reading a message of a degraded folder marks it \Seen implicitly (IMAP FETCH BODY[]): the read is served,
            // the mark is not kept (the folder is read-only), and the answer shows the flags as they stay.
            return new FlagsStored(change.Uids.Distinct().Order().Select(degraded.State.Find).OfType<LoggedMessage>().ToList());
        }
        var (book, state) = Folder(change.Folder);
        var changes = new List<FlagSet>();
        var addressed = new List<uint>();
        foreach (var uid in change.Uids.Distinct().Order())
        {
            if (state.Find(uid) is not { } message) continue;
            addressed.Add(uid);
            var now = change.Change switch
            {
                FlagChange.Add => MessageFlags.Normalize(message.Flags.Concat(given)),
                FlagChange.Remove => MessageFlags.Normalize(message.Flags.Where(f => !given.Contains(f, StringComparer.OrdinalIgnoreCase))),
                _ => given,
            };
            if (!MessageFlags.SameFlags(now, message.Flags)) changes.Add(new FlagSet(uid, now));
        }
        if (changes.Count > 0)
        {
            events.Add(Append(book, new FlagsChanged(changes)));
            SnapshotIfDue(book, events);
        }
        var after = (FolderLogState)book.State!;
        return new FlagsStored(addressed.Select(uid => after.Find(uid)!).ToList());
    }

    private object Copy(CopyMessages copy, List<LogAppended> events)
    {
        var (source, sourceState) = Folder(copy.Folder);
        var (target, targetState) = Folder(copy.Destination);
        var messages = copy.Uids.Distinct().Order().Select(sourceState.Find).OfType<LoggedMessage>().ToList();
        var uid = targetState.UidNext;
        var sourceUids = new List<uint>();
        var targetUids = new List<uint>();
        foreach (var message in messages)
        {
            events.Add(Append(target, new MessageInserted(uid, message.Flags, message.InternalDateMs, message.Size, message.Ref, null, NowMs)));
            sourceUids.Add(message.Uid);
            targetUids.Add(uid++);
        }
        SnapshotIfDue(target, events);
        if (copy.Move && sourceUids.Count > 0)
        {
            events.Add(Append(source, new MessagesDeleted(sourceUids)));
            SnapshotIfDue(source, events);
        }
        return new Copied(targetState.UidValidity, sourceUids, targetUids);
    }

    /// <summary>A refusal the client caused, raised before any record is appended.</summary>
    private sealed class AgentRefusal(MailStoreError error, string message) : Exception(message)
    {
        public MailStoreError Error { get; } = error;
    }
}
