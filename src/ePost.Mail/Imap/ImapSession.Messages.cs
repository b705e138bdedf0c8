using ePost.Mail.Backend;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.Search;
using ePost.Mail.Imap.Sequences;
using ePost.Mail.Sessions;
using MimeKit;

namespace ePost.Mail.Imap;

// Commands on the selected folder's messages (RFC 3501 §6.4, UIDPLUS, MOVE, CONDSTORE): EXPUNGE, SEARCH, STORE,
// COPY, MOVE. FETCH has its own file.
public sealed partial class ImapSession
{
    private async Task<SessionStep> ExpungeAsync(ImapResponseWriter writer, ExpungeCommand command, CancellationToken cancellation)
    {
        var folder = selected!;
        if (folder.ReadOnly) return ReadOnlyRefusal(writer, command.Tag);
        // Read the folder first: the \Deleted flags that count are the stored ones, whoever set them.
        MarkChanged();
        await SynchronizeAsync(writer, allowExpunge: true, cancellation);
        var view = folder.View;
        var inSet = command.Uids is { } set ? (set.IsSavedResult ? savedResult : set.ResolveUids(view.Uids)).ToHashSet() : null;
        var doomed = view.Uids.Where(uid => (inSet is null || inSet.Contains(uid)) && !view.IsExpungePending(uid)
            && view[view.SequenceOf(uid)!.Value].Flags.Contains("\\Deleted")).ToList();
        if (doomed.Count > 0)
        {
            await store.ExpungeAsync(User!, folder.Name, doomed, cancellation);
            MarkChanged();
        }
        return await CompleteAsync(writer, command.Tag, "EXPUNGE completed", true, cancellation);
    }

    private async Task<SessionStep> SearchAsync(ImapResponseWriter writer, SearchCommand command, CancellationToken cancellation)
    {
        var folder = selected!;
        if (HasModSeq(command.Key)) EnableCondStoreImplicitly(writer);
        await SynchronizeAsync(writer, allowExpunge: false, cancellation);
        var view = folder.View;
        var uids = view.Uids;
        var evaluator = new SearchEvaluator(view.Count, uids.Count > 0 ? uids[^1] : 0, savedResult.ToHashSet());
        bool needsContent = NeedsContent(command.Key);
        var matches = new List<uint>();
        var matchedUids = new List<uint>();
        var matchedModSeqs = new List<ulong>();
        ulong highestModSeq = 0;
        for (uint number = 1; number <= view.Count; number++)
        {
            var entry = view[number];
            var facts = folder[entry.Uid];
            byte[]? bytes = needsContent ? await store.ReadMessageAsync(User!, folder.Name, entry.Uid, cancellation) : null;
            if (needsContent && bytes is null) continue; // expunged meanwhile: it matches nothing
            var message = new SearchableMessage(number, entry.Uid, entry.Flags, view.IsRecent(entry.Uid), facts.InternalDate,
                facts.Size, entry.ModSeq, bytes) { EmailId = facts.EmailId, SaveDate = facts.SaveDate };
            if (!evaluator.Matches(command.Key, message)) continue;
            matches.Add(command.Uid ? entry.Uid : number);
            matchedUids.Add(entry.Uid);
            matchedModSeqs.Add(entry.ModSeq);
            highestModSeq = Math.Max(highestModSeq, entry.ModSeq);
        }
        ulong? modSeq = HasModSeq(command.Key) ? highestModSeq : null;
        // RFC 9051 §6.4.4: once IMAP4rev2 is enabled a plain SEARCH is answered as RETURN (ALL) would be.
        var options = command.Return ?? (imap4rev2 ? ["ALL"] : null);
        if (options is null) ImapDataResponses.Search(writer, matches, modSeq);
        else
        {
            if (options.Contains("SAVE")) savedResult = SavedPart(matchedUids, options);
            // RFC 5182 §2.1: SAVE alone is answered by the tagged OK only.
            if (options.Any(o => o != "SAVE"))
                ImapDataResponses.ExtendedSearch(writer, command.Tag, command.Uid, matches, options, modSeq is null ? null : ReturnedModSeq(matchedModSeqs, options));
        }
        return await CompleteAsync(writer, command.Tag, "SEARCH completed", false, cancellation);
    }

    /// <summary>
    /// RFC 7162 §3.1.5: ESEARCH's MODSEQ is the highest of the messages it returns, so with MIN or MAX alone only
    /// those count; with ALL or COUNT every match does.
    /// </summary>
    private static ulong ReturnedModSeq(List<ulong> modSeqs, IReadOnlyList<string> options)
    {
        if (modSeqs.Count == 0) return 0;
        if (options.Contains("ALL") || options.Contains("COUNT") || !(options.Contains("MIN") || options.Contains("MAX"))) return modSeqs.Max();
        return Math.Max(options.Contains("MIN") ? modSeqs[0] : 0, options.Contains("MAX") ? modSeqs[^1] : 0);
    }

    /// <summary>
    /// RFC 7162 §3.1: FETCH MODSEQ and SEARCH MODSEQ are CONDSTORE-enabling commands; the first one tells the client
    /// the selected mailbox's HIGHESTMODSEQ, and from then on STORE and flag updates carry MODSEQ.
    /// </summary>
    private void EnableCondStoreImplicitly(ImapResponseWriter writer)
    {
        if (condStore) return;
        condStore = true;
        writer.UntaggedStatus(ImapStatus.Ok, $"HIGHESTMODSEQ {selected!.View.HighestModSeq}", "Highest");
    }

    /// <summary>
    /// What RETURN (SAVE ...) keeps as "$" (RFC 5182 §2.4): with MIN or MAX and neither ALL nor COUNT, only those
    /// messages; otherwise every match. Kept as UIDs, so later expunges cannot shift it onto other messages.
    /// </summary>
    private static IReadOnlyList<uint> SavedPart(List<uint> matchedUids, IReadOnlyList<string> options)
    {
        if (matchedUids.Count == 0 || options.Contains("ALL") || options.Contains("COUNT") || !(options.Contains("MIN") || options.Contains("MAX")))
            return matchedUids;
        var part = new List<uint>();
        if (options.Contains("MIN")) part.Add(matchedUids[0]);
        if (options.Contains("MAX") && matchedUids[^1] != matchedUids[0]) part.Add(matchedUids[^1]);
        return part;
    }

    private static bool NeedsContent(SearchKey key) => key switch
    {
        SearchHeader or SearchText or SearchObjectId { Thread: true } => true,
        SearchDate d => d.SentDate,
        SearchNot n => NeedsContent(n.Key),
        SearchOr o => NeedsContent(o.Left) || NeedsContent(o.Right),
        SearchAnd a => a.Keys.Any(NeedsContent),
        _ => false,
    };

    private static bool HasModSeq(SearchKey key) => key switch
    {
        SearchModSeq => true,
        SearchNot n => HasModSeq(n.Key),
        SearchOr o => HasModSeq(o.Left) || HasModSeq(o.Right),
        SearchAnd a => a.Keys.Any(HasModSeq),
        _ => false,
    };

    private async Task<SessionStep> StoreAsync(ImapResponseWriter writer, StoreCommand command, CancellationToken cancellation)
    {
        var folder = selected!;
        if (folder.ReadOnly) return ReadOnlyRefusal(writer, command.Tag);
        if (Resolve(writer, command.Tag, command.Set, command.Uid) is not { } numbers) return CountError(writer);
        var view = folder.View;
        // CONDSTORE (RFC 7162 §3.2): messages changed since UNCHANGEDSINCE are left alone and named in [MODIFIED].
        var modified = command.UnchangedSince is { } since ? numbers.Where(n => view[n].ModSeq > since).ToList() : [];
        var uids = numbers.Except(modified).Select(n => view[n].Uid).Where(uid => !view.IsExpungePending(uid)).ToList();
        if (uids.Count > 0)
        {
            var change = command.Mode switch { StoreMode.Add => FlagChange.Add, StoreMode.Remove => FlagChange.Remove, _ => FlagChange.Replace };
            await store.StoreFlagsAsync(User!, folder.Name, uids, change, command.Flags.ToList(), cancellation);
            MarkChanged();
        }
        var stored = uids.ToHashSet();
        await SynchronizeAsync(writer, allowExpunge: false, cancellation, reportedByCaller: stored);
        // .SILENT suppresses the FETCH echo; with CONDSTORE the new MODSEQ is still reported (RFC 7162 §3.2).
        if (!command.Silent || condStore)
        {
            foreach (uint uid in uids)
            {
                uint number = view.SequenceOf(uid)!.Value;
                var entry = view[number];
                writer.Raw("* ").Number(number).Raw(" FETCH (");
                if (!command.Silent) writer.Raw("FLAGS ").FlagList(view.FlagsOf(entry)).Raw(" ");
                writer.Raw("UID ").Number(uid);
                if (condStore) writer.Raw(" MODSEQ (").Number(entry.ModSeq).Raw(")");
                writer.Raw(")").EndLine();
            }
        }
        string? code = modified.Count > 0
            ? "MODIFIED " + (command.Uid ? SequenceSet.FromNumbers(modified.Select(n => view[n].Uid)) : SequenceSet.FromNumbers(modified))
            : null;
        writer.Tagged(command.Tag, ImapStatus.Ok, code, modified.Count > 0 ? "Conditional STORE failed for some messages" : "STORE completed");
        return Step(writer);
    }

    private async Task<SessionStep> CopyAsync(ImapResponseWriter writer, string tag, bool uid, SequenceSet set, string destination, bool move,
        CancellationToken cancellation)
    {
        var folder = selected!;
        if (move && folder.ReadOnly) return ReadOnlyRefusal(writer, tag);
        if (Resolve(writer, tag, set, uid) is not { } numbers) return CountError(writer);
        var view = folder.View;
        var uids = numbers.Select(n => view[n].Uid).Where(u => !view.IsExpungePending(u)).ToList();
        string verb = move ? "MOVE" : "COPY";
        if (uids.Count == 0) return await CompleteAsync(writer, tag, $"{verb} completed, nothing to do", !move, cancellation);
        var result = move
            ? await store.MoveAsync(User!, folder.Name, uids, destination, cancellation)
            : await store.CopyAsync(User!, folder.Name, uids, destination, cancellation);
        string code = ImapDataResponses.CopyUidCode(result.DestinationUidValidity, result.SourceUids.Zip(result.DestinationUids).ToList());
        if (move || destination == folder.Name) MarkChanged();
        if (!move) return await CompleteAsync(writer, tag, "COPY completed", true, cancellation, code);
        // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGE responses.
        writer.UntaggedStatus(ImapStatus.Ok, code, "Moved");
        return await CompleteAsync(writer, tag, "MOVE completed", true, cancellation);
    }

    /// <summary>The message numbers a set names, or null (and BAD written) for a number beyond the mailbox.</summary>
    private IReadOnlyList<uint>? Resolve(ImapResponseWriter writer, string tag, SequenceSet set, bool uid)
    {
        // "$" (RFC 5182): the saved messages that still have numbers, whether or not the command is a UID one.
        if (set.IsSavedResult) return savedResult.Select(u => selected!.View.SequenceOf(u)).OfType<uint>().Order().ToList();
        var numbers = selected!.View.Resolve(set, uid);
        if (numbers is null) writer.Tagged(tag, ImapStatus.Bad, null, "Invalid message sequence number");
        return numbers;
    }

    private static SessionStep ReadOnlyRefusal(ImapResponseWriter writer, string tag)
    {
        writer.Tagged(tag, ImapStatus.No, "READ-ONLY", "The mailbox was opened with EXAMINE");
        return Step(writer);
    }

    /// <summary>One message as SEARCH sees it; the MIME tree is parsed only when a key needs it.</summary>
    private sealed class SearchableMessage(uint number, uint uid, IReadOnlySet<string> flags, bool recent, DateTimeOffset date, long size,
        ulong modSeq, byte[]? bytes) : ISearchableMessage
    {
        private MimeMessage? message;

        public uint SequenceNumber => number;
        public uint Uid => uid;
        public IReadOnlySet<string> Flags => flags;
        public bool IsRecent => recent;
        public DateTimeOffset InternalDate => date;
        public long Size => size;
        public ulong ModSeq => modSeq;
        public string? EmailId { get; init; }
        public DateTimeOffset? SaveDate { get; init; }

        public MimeMessage Message => message ??= MimeMessage.Load(new MemoryStream(bytes ?? throw new InvalidOperationException("Content not loaded")));
    }
}
