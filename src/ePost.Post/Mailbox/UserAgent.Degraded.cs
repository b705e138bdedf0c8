using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Mail.Backend;
using ePost.Post.Logs;
using ePost.Post.Ring;

namespace ePost.Post.Mailbox;

/// <summary>
/// Loading around what the ring lacks. A folder log whose chain breaks at a missing entry is served read-only from the
/// entries above the gap (each verified under the log key and chained to the signed head), under a temporary
/// UIDVALIDITY, while the agent keeps reading it; once the whole log reads, it is adopted as usual. A filed message
/// whose manifest or a block is missing is listed and looked for again until found; reading it meanwhile fails with a
/// clear error. Nothing is dropped: every missing id is in the agent's status and log.
/// </summary>
public sealed partial class UserAgent
{
    private readonly Dictionary<string, DegradedLog> _degraded = new(StringComparer.Ordinal);
    private readonly Dictionary<RingId, Unavailable> _unavailable = new();
    private bool _probing;
    private List<(MessageRef Ref, string Where)>? _probeQueued;

    private void DegradedCommands()
    {
        Command<RetryDegraded>(_ => AdoptMissingFolders());
        Command<ProbeMissing>(probe => StartProbe(probe.Messages));
        Command<ProbeDone>(OnProbeDone);
    }

    /// <summary>The UIDVALIDITY a degraded folder is served under: never the folder's own, so clients resynchronize once it is whole.</summary>
    internal static uint DegradedUidValidity(uint uidValidity) => (uidValidity ^ 0x8000_0000u) is var other and not 0 ? other : 1;

    /// <summary>Serves <paramref name="chain"/>, whose walk broke at <see cref="RingChain.Gap"/>, read-only and keeps looking for the rest.</summary>
    private void SetDegraded(RingChain chain)
    {
        var label = chain.Head.Label;
        var start = FolderLogState.Empty(DegradedUidValidity(Math.Max(1u, chain.Head.UidValidity)));
        FolderLogState state;
        try
        {
            state = FolderReplay.Replay(start, chain.Links.Select(l => l.Record));
        }
        catch (LogFormatException)
        {
            state = start;
        }
        var gap = chain.Gap!.Value;
        var known = _degraded.TryGetValue(label, out var before) && before.Gap == gap && before.State.Messages.Count == state.Messages.Count;
        _degraded[label] = new DegradedLog(state, gap, chain.Links.Select(l => l.BlockId).ToList());
        if (!known)
        {
            _log.Warning("Folder {0} of {1} is incomplete: entry {2} of its log is missing from the ring. {3} newer entries verify; " +
                         "their {4} messages are served read-only; looking for the entry every {5}",
                FolderNameOf(label) ?? label, _keys.Certificate.Address, gap.ToShortString(), chain.Links.Count, state.Messages.Count, Settings.SyncRetry);
            if (_ready) Notify(label);
            Self.Tell(new ProbeMissing(state.Messages.Select(m => (m.Ref, $"{FolderNameOf(label) ?? label} UID {m.Uid}")).ToList()));
        }
        Timers.StartSingleTimer(("degraded", label), RetryDegraded.Instance, Settings.SyncRetry);
    }

    /// <summary>The whole log was read after all: no longer degraded.</summary>
    private void Healed(string label)
    {
        if (!_degraded.Remove(label, out var was)) return;
        Timers.Cancel(("degraded", label));
        _log.Info("Folder {0} of {1} is whole again: its missing entry {2} was found", FolderNameOf(label) ?? label, _keys.Certificate.Address, was.Gap.ToShortString());
    }

    /// <summary>Refuses a write to a degraded folder (its state before the gap is unknown, so a write could contradict it).</summary>
    private AgentRefusal? DegradedRefusal(string label, string name) =>
        _degraded.TryGetValue(label, out var degraded)
            ? Refuse(MailStoreError.Unavailable,
                $"Folder {name} is incomplete: entry {degraded.Gap.ToShortString()} of its log is missing from the ring. It is read-only until that entry is found; retrying.")
            : null;

    /// <summary>Every id the mailbox references that the ring could not give: log gaps, then manifests and blocks of filed messages.</summary>
    private List<RingId> MissingIds() =>
        [.. _degraded.Values.Select(d => d.Gap), .. _unavailable.Values.SelectMany(u => u.Missing).Distinct()];

    /// <summary>Looks up the manifest and blocks of <paramref name="messages"/> (null: the ones known unavailable).</summary>
    private void StartProbe(List<(MessageRef Ref, string Where)>? messages)
    {
        messages ??= _unavailable.Values.Select(u => (u.Ref, u.Where)).ToList();
        if (messages.Count == 0) return;
        if (_probing)
        {
            (_probeQueued ??= []).AddRange(messages);
            return;
        }
        _probing = true;
        ProbeAsync(messages).PipeTo(Self);
    }

    private async Task<ProbeDone> ProbeAsync(List<(MessageRef Ref, string Where)> messages)
    {
        var ring = _services.Ring;
        var results = new List<(MessageRef Ref, string Where, List<RingId>? Missing)>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Settings.Parallelism };
        await Parallel.ForEachAsync(messages.DistinctBy(m => m.Ref), options, async (message, _) =>
        {
            List<RingId>? missing = [];
            try
            {
                var manifestId = RingId.FromBytes(message.Ref.ManifestId);
                if (await BlocksOfAsync(message.Ref).ConfigureAwait(false) is not { } blocks) missing.Add(manifestId);
                else
                    foreach (var block in blocks)
                        if (await ring.LookupDefinitiveAsync(block).ConfigureAwait(false) is null) missing.Add(block);
            }
            catch (Exception)
            {
                // The ring could not say: keep what was known about this message.
                missing = null;
            }
            lock (results) results.Add((message.Ref, message.Where, missing));
        }).ConfigureAwait(false);
        return new ProbeDone(results);
    }

    private void OnProbeDone(ProbeDone done)
    {
        _probing = false;
        var newly = new List<Unavailable>();
        foreach (var (reference, where, missing) in done.Results)
        {
            var manifestId = RingId.FromBytes(reference.ManifestId);
            if (missing is null) continue;
            if (missing.Count == 0)
            {
                if (_unavailable.Remove(manifestId))
                    _log.Info("Message {0} of {1} is readable again", where, _keys.Certificate.Address);
                continue;
            }
            if (!_unavailable.ContainsKey(manifestId)) newly.Add(new Unavailable(reference, where, missing));
            _unavailable[manifestId] = new Unavailable(reference, where, missing);
        }
        if (newly.Count > 0)
            _log.Warning("{0} messages of {1} cannot be read: the ring lacks {2}; they stay filed and are looked for every {3}",
                newly.Count, _keys.Certificate.Address,
                string.Join("; ", newly.Take(10).Select(u => $"{u.Where}: {string.Join(", ", u.Missing.Select(id => id.ToShortString()))}")), Settings.SyncRetry);
        if (_probeQueued is { } queued)
        {
            _probeQueued = null;
            StartProbe(queued);
        }
        else if (_unavailable.Count > 0 && !Timers.IsTimerActive("probe"))
        {
            Timers.StartSingleTimer("probe", new ProbeMissing(null), Settings.SyncRetry);
        }
    }

    /// <summary>Every message filed in <paramref name="label"/>'s log, with where it is filed (for the log).</summary>
    private List<(MessageRef Ref, string Where)> MessagesOf(string label) =>
        _books.TryGetValue(label, out var book) && book.State is FolderLogState state
            ? state.Messages.Select(m => (m.Ref, $"{FolderNameOf(label) ?? label} UID {m.Uid}")).ToList()
            : [];

    /// <summary>A folder log served from the entries above a missing one.</summary>
    private sealed record DegradedLog(FolderLogState State, RingId Gap, IReadOnlyList<RingId> Entries);

    /// <summary>A filed message the ring cannot give whole: the ids it lacks.</summary>
    private sealed record Unavailable(MessageRef Ref, string Where, IReadOnlyList<RingId> Missing);

    private sealed record RetryDegraded
    {
        public static readonly RetryDegraded Instance = new();
    }

    private sealed record ProbeMissing(List<(MessageRef Ref, string Where)>? Messages);

    private sealed record ProbeDone(List<(MessageRef Ref, string Where, List<RingId>? Missing)> Results);
}
