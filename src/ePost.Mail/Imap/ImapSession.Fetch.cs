using ePost.Mail.Backend;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Fetch;
using ePost.Mail.Imap.Mime;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Sessions;

namespace ePost.Mail.Imap;

// FETCH (RFC 3501 §6.4.5, CONDSTORE CHANGEDSINCE): answered in pieces of about FetchChunkBytes, so a client fetching
// every body of a large folder costs one piece of memory at a time, not the folder.
public sealed partial class ImapSession
{
    private static readonly FetchItem FlagsItem = new FetchAttribute(FetchAttributeKind.Flags);

    // Messages of one FETCH that may be unreadable (skipped and reported at the end) before the FETCH gives up.
    private const int MaxUnreadablePerFetch = 16;

    private async Task<SessionStep> FetchAsync(ImapResponseWriter writer, FetchCommand command, CancellationToken cancellation)
    {
        var folder = selected!;
        if (command.Vanished && !qresync)
        {
            writer.Tagged(command.Tag, ImapStatus.Bad, null, "VANISHED needs ENABLE QRESYNC");
            return CountError(writer);
        }
        if (Resolve(writer, command.Tag, command.Set, command.Uid) is not { } resolved) return CountError(writer);
        var view = folder.View;
        if (command.Items.Contains(new FetchAttribute(FetchAttributeKind.ModSeq))) EnableCondStoreImplicitly(writer);
        var numbers = command.ChangedSince is { } since ? resolved.Where(n => view[n].ModSeq > since).ToList() : resolved;
        var seenNow = new HashSet<uint>();
        if (!folder.ReadOnly && command.Items.Any(i => i.SetsSeen))
        {
            // Serving a body sets \Seen (RFC 3501 §6.4.5); the changed flags ride along in the same FETCH responses.
            var unseen = numbers.Select(n => view[n]).Where(e => !e.Flags.Contains("\\Seen") && !view.IsExpungePending(e.Uid))
                .Select(e => e.Uid).ToList();
            if (unseen.Count > 0)
            {
                await store.StoreFlagsAsync(User!, folder.Name, unseen, FlagChange.Add, ["\\Seen"], cancellation);
                MarkChanged();
                seenNow.UnionWith(unseen);
            }
        }
        var reported = command.Items.Contains(FlagsItem) ? numbers.Select(n => view[n].Uid).ToHashSet() : seenNow;
        await SynchronizeAsync(writer, allowExpunge: false, cancellation, reportedByCaller: reported);
        if (command.Vanished)
        {
            // RFC 7162 §3.2.6: UID FETCH (CHANGEDSINCE m VANISHED) first names the UIDs of the set that are gone.
            if (command.ChangedSince < view.HighestModSeq && Mailbox.VanishedSet.Of(command.Set, view.UidNext, view.Uids) is { } gone)
                writer.Untagged($"VANISHED (EARLIER) {gone}");
        }
        var run = new FetchRun(command, numbers, seenNow);
        return await WriteFetchAsync(writer, run, cancellation);
    }

    private Task<SessionStep> ContinueFetchAsync(FetchRun run, CancellationToken cancellation) =>
        WriteFetchAsync(NewWriter(), run, cancellation);

    private async Task<SessionStep> WriteFetchAsync(ImapResponseWriter writer, FetchRun run, CancellationToken cancellation)
    {
        try
        {
            return await WriteFetchPieceAsync(writer, run, cancellation);
        }
        catch (MailStoreException e)
        {
            // The store failed mid-answer (the ring unreachable): end this FETCH, keep the connection.
            fetchInProgress = null;
            writer.Tagged(run.Command.Tag, ImapStatus.No, StoreErrorCode(e.Error, run.Command), e.Message);
            return Step(writer);
        }
    }

    private async Task<SessionStep> WriteFetchPieceAsync(ImapResponseWriter writer, FetchRun run, CancellationToken cancellation)
    {
        var folder = selected!;
        var view = folder.View;
        var need = FetchContent.Of(run.Command.Items);
        bool needsContent = need != FetchContentNeed.None;
        var withFlags = run.Command.Items.Contains(FlagsItem) ? run.Command.Items : [.. run.Command.Items, FlagsItem];
        while (run.Next < run.Numbers.Count)
        {
            uint number = run.Numbers[run.Next++];
            var entry = view[number];
            var facts = folder[entry.Uid];
            byte[]? bytes = null;
            if (needsContent)
            {
                try
                {
                    bytes = await store.ReadMessageAsync(User!, folder.Name, entry.Uid, cancellation);
                }
                catch (MailStoreException e) when (e.Error == MailStoreError.Unavailable && run.Unreadable < MaxUnreadablePerFetch)
                {
                    // One message the ring cannot give right now (a block no replica holds yet): answer the others and
                    // report it at the end, so one lost block does not hide every message after it. Bounded: when the
                    // whole layer is down, the FETCH ends at the next failure past the limit.
                    run.Unreadable++;
                    run.UnreadableReason = e.Message;
                    continue;
                }
                if (bytes is null)
                {
                    // Expunged by another session after the client learned its number: nothing left to send, no failure.
                    run.Vanished++;
                    continue;
                }
            }
            var message = new FetchableMessage(entry.Uid, view.FlagsOf(entry), facts.InternalDate, entry.ModSeq,
                new Lazy<ImapMessage>(() => ImapMessage.Parse(Content(bytes, need))))
            {
                KnownSize = facts.Size,
                EmailId = facts.EmailId,
                SaveDate = facts.SaveDate,
            };
            var items = run.SeenNow.Contains(entry.Uid) ? withFlags : run.Command.Items;
            if (needsContent && !TryParse(message))
            {
                // Stored bytes MimeKit cannot read (delivered from outside): answer the rest, report it at the end.
                run.Unparsable++;
                continue;
            }
            if (needsContent && !FetchResponder.CanDecode(message, items))
            {
                // BINARY of a part in x-uuencode or an unknown encoding: nothing for it, [UNKNOWN-CTE] at the end.
                run.Undecodable++;
                continue;
            }
            FetchResponder.Write(writer, number, message, items);
            if (writer.Written.Length >= settings.FetchChunkBytes && run.Next < run.Numbers.Count)
            {
                fetchInProgress = run;
                return Step(writer);
            }
        }
        fetchInProgress = null;
        if (run.Unreadable > 0)
        {
            await SynchronizeAsync(writer, allowExpunge: false, cancellation);
            var alsoUnparsable = run.Unparsable > 0 ? $"; {run.Unparsable} could not be parsed" : "";
            var noneSent = run.Unreadable + run.Unparsable + run.Vanished == run.Numbers.Count;
            writer.Tagged(run.Command.Tag, ImapStatus.No, "UNAVAILABLE", noneSent && run.Unparsable == 0
                ? run.UnreadableReason!
                : $"{run.Unreadable} of the messages cannot be read from the ring right now, the others were sent{alsoUnparsable} ({run.UnreadableReason})");
            return Step(writer);
        }
        if (run.Unparsable > 0)
        {
            await SynchronizeAsync(writer, allowExpunge: false, cancellation);
            writer.Tagged(run.Command.Tag, ImapStatus.No, "PARSE", $"{run.Unparsable} messages could not be parsed");
            return Step(writer);
        }
        if (run.Undecodable > 0)
        {
            await SynchronizeAsync(writer, allowExpunge: false, cancellation);
            writer.Tagged(run.Command.Tag, ImapStatus.No, "UNKNOWN-CTE",
                $"Messages left out: {run.Undecodable}; a requested part has a Content-Transfer-Encoding this server cannot decode (BODY[] gives it as stored)");
            return Step(writer);
        }
        // Messages another session expunged meanwhile (run.Vanished) are simply left out: RFC 2180 §4.1 lets the
        // server return what still exists, and the client learns of the expunge at the next command that allows it.
        return await CompleteAsync(writer, run.Command.Tag, "FETCH completed", false, cancellation);
    }

    private static bool TryParse(FetchableMessage message)
    {
        try
        {
            _ = message.Content.Value;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>What to parse: the header block alone when that answers every item (sizes come from the folder state).</summary>
    private static ReadOnlyMemory<byte> Content(byte[]? bytes, FetchContentNeed need)
    {
        if (bytes is null) throw new InvalidOperationException("Content not loaded");
        return need == FetchContentNeed.Header ? FetchContent.HeaderBlock(bytes) : bytes;
    }

    /// <summary>A FETCH being answered piece by piece: which messages, how far, and whose \Seen it set.</summary>
    private sealed class FetchRun(FetchCommand command, IReadOnlyList<uint> numbers, IReadOnlySet<uint> seenNow)
    {
        public FetchCommand Command => command;
        public IReadOnlyList<uint> Numbers => numbers;
        public IReadOnlySet<uint> SeenNow => seenNow;
        public int Next { get; set; }
        public int Vanished { get; set; }
        public int Unparsable { get; set; }
        public int Unreadable { get; set; }
        public int Undecodable { get; set; }
        public string? UnreadableReason { get; set; }
    }
}
