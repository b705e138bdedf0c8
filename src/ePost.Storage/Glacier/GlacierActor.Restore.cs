using Akka.Actor;
using ePost.Core.Erasure;
using ePost.Core.Hashing;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Wire;

namespace ePost.Storage.Glacier;

/// <summary>
/// Gathering fragments, for a restore and for a rebuild: fetch m (+ a few spare) at once from the roots of their
/// positions, verify each against its manifest, and try the next index whenever one fails.
/// </summary>
public sealed partial class GlacierActor
{
    private readonly Dictionary<RequestId, Gathering> _gatherings = new();
    private readonly Dictionary<RequestId, Fetch> _fetches = new();

    private void OnRestore(Restore restore)
    {
        var reference = restore.Container;
        try
        {
            reference.Validate();
        }
        catch (ArgumentException e)
        {
            Sender.Tell(new RestoreFailed(reference, e.Message));
            return;
        }
        var replyTo = Sender;
        // Data fragments first: decoding from them is a copy, parity needs arithmetic.
        StartGathering(new Gathering(reference, Enumerable.Range(0, reference.N), _settings.RestoreTimeout,
            g => FinishRestore(replyTo, g),
            (g, why) => replyTo.Tell(new RestoreFailed(g.Reference, why))));
    }

    private void FinishRestore(IActorRef replyTo, Gathering g)
    {
        if (TryDecode(g, out _, out var members, out var problem)) replyTo.Tell(new Restored(g.Reference, members.Select(m => m.Object).ToList()));
        else replyTo.Tell(new RestoreFailed(g.Reference, problem!));
    }

    /// <summary>Decodes a gathered container and checks it end to end: its hash against the reference, then every member.</summary>
    private bool TryDecode(Gathering g, out byte[] bytes, out IReadOnlyList<ContainerMember> members, out string? problem)
    {
        bytes = [];
        members = [];
        problem = null;
        try
        {
            var manifest = g.Manifest!;
            // Every gathered fragment was checked against the signed Merkle root when it arrived.
            bytes = CodecFor(manifest.N, manifest.M).Decode(g.Fragments, manifest.ContainerLength);
            if (!Sha256.Matches(bytes, manifest.ContentHash.Span))
            {
                problem = "the rebuilt container does not match its manifest's content hash";
                return false;
            }
            members = ContainerCodec.Unpack(bytes, _settings.MaxObjectBytes);
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or NotEnoughFragmentsException or ArgumentException)
        {
            problem = e.Message;
            return false;
        }
    }

    private void StartGathering(Gathering g)
    {
        var id = NextOp();
        g.Id = id;
        _gatherings[id] = g;
        Timers.StartSingleTimer(("gather", id), new OpExpired(OpKind.Gathering, id), g.Timeout);
        FetchMore(g);
    }

    private void FetchMore(Gathering g)
    {
        while (g.InFlight + g.Fragments.Count < g.Reference.M + _settings.ExtraFetches && g.Candidates.Count > 0)
        {
            var index = g.Candidates.Dequeue();
            var op = NextOp();
            g.InFlight++;
            var fetch = new Fetch(g.Id, index);
            _fetches[op] = fetch;
            Timers.StartSingleTimer(("fetch", op), new OpExpired(OpKind.Fetch, op), _settings.FragmentTimeout);
            WithRoot(FragmentPlacement.Position(g.Reference.ContainerId, index, g.Reference.N), root =>
            {
                if (!_fetches.ContainsKey(op)) return;
                if (root is null) FailFetch(op, "the root of its position was not found");
                else
                {
                    fetch.Root = root;
                    Send(root, new FragmentQuery(op, g.Reference.ContainerId, index, Fetch: true));
                }
            });
        }
        if (g.InFlight == 0 || g.Fragments.Count >= g.Reference.M) EndGathering(g, null);
    }

    private void OnFetched(NodeHandle from, RequestId op, FragmentTransfer transfer)
    {
        if (!_fetches.TryGetValue(op, out var fetch) || !IsFrom(fetch.Root, from))
        {
            RefuseReply("fetched fragment", op, from);
            return;
        }
        _fetches.Remove(op);
        Timers.Cancel(("fetch", op));
        if (!_gatherings.TryGetValue(fetch.Gathering, out var g)) return;
        g.InFlight--;
        // The transfer's manifest is signed and the bytes match it (checked on decode); it must also be the
        // referenced container's, by the referenced writer, and the fragment asked for.
        if (transfer.Index != fetch.Index || !g.Reference.Describes(transfer.Manifest)
            || (g.Manifest is not null && (g.Manifest.ContainerLength != transfer.Manifest.ContainerLength
                                           || !g.Manifest.MerkleRoot.Span.SequenceEqual(transfer.Manifest.MerkleRoot.Span))))
        {
            g.Problems++;
            FetchMore(g);
            return;
        }
        g.Manifest ??= transfer.Manifest;
        g.Versions.Add(transfer.Manifest.Version);
        g.Fragments[transfer.Index] = transfer.Data;
        FetchMore(g);
    }

    private void OnFetchAnswer(NodeHandle from, FragmentAnswer answer)
    {
        if (!_fetches.TryGetValue(answer.Op, out var fetch) || !IsFrom(fetch.Root, from)
            || !_gatherings.TryGetValue(fetch.Gathering, out var g) || !IsAbout(answer, g.Reference.ContainerId, fetch.Index))
        {
            RefuseReply(nameof(FragmentAnswer), answer.Container, from);
            return;
        }
        if (!answer.Held) FailFetch(answer.Op, answer.Message);
    }

    private static bool IsAbout(FragmentAnswer answer, RingId container, int index) => answer.Container == container && answer.Index == index;

    private void FailFetch(RequestId op, string why)
    {
        if (!_fetches.Remove(op, out var fetch)) return;
        Timers.Cancel(("fetch", op));
        if (!_gatherings.TryGetValue(fetch.Gathering, out var g)) return;
        g.InFlight--;
        g.Missing++;
        FetchMore(g);
    }

    private void ExpireGathering(RequestId id)
    {
        if (_gatherings.TryGetValue(id, out var g)) EndGathering(g, $"timed out after {g.Timeout}");
    }

    private void EndGathering(Gathering g, string? timeout)
    {
        if (!_gatherings.Remove(g.Id)) return;
        Timers.Cancel(("gather", g.Id));
        foreach (var op in _fetches.Where(f => f.Value.Gathering == g.Id).Select(f => f.Key).ToList())
        {
            _fetches.Remove(op);
            Timers.Cancel(("fetch", op));
        }
        if (g.Fragments.Count >= g.Reference.M) g.Done(g);
        else
            g.Failed(g, $"{g.Fragments.Count} of the {g.Reference.M} fragments needed were found ({g.Missing} not held or unanswered, "
                        + $"{g.Problems} refused as not matching the reference" + (timeout is null ? "" : $"; {timeout}") + ")");
    }

    /// <summary>One fragment fetch of a gathering; <c>Root</c> is the node asked, the only one whose answer counts.</summary>
    private sealed class Fetch(RequestId gathering, int index)
    {
        public RequestId Gathering { get; } = gathering;
        public int Index { get; } = index;
        public NodeHandle? Root { get; set; }
    }

    /// <summary>One collection of fragments in progress.</summary>
    private sealed class Gathering(ContainerRef reference, IEnumerable<int> candidates, TimeSpan timeout, Action<Gathering> done, Action<Gathering, string> failed)
    {
        public RequestId Id { get; set; }
        public ContainerRef Reference { get; } = reference;
        public Queue<int> Candidates { get; } = new(candidates);
        public TimeSpan Timeout { get; } = timeout;
        public Action<Gathering> Done { get; } = done;
        public Action<Gathering, string> Failed { get; } = failed;
        public Dictionary<int, byte[]> Fragments { get; } = new();
        public FragmentManifest? Manifest { get; set; }
        public List<long> Versions { get; } = [];
        public int InFlight { get; set; }
        public int Missing { get; set; }
        public int Problems { get; set; }
    }
}
