using Akka.Actor;
using ePost.Overlay;
using ePost.Storage.Leases;
using ePost.Storage.Wire;

namespace ePost.Storage.Glacier;

/// <summary>
/// Counting an archive's redundancy: one query per fragment position, to the position's current root, answered only
/// by that root about that fragment. The count is what the holders say (a holder may lie that it holds a fragment;
/// the count is a health display, not a proof) and is bounded: at most one count at a time per asker's request,
/// <see cref="CountFragments.MaxContainers"/> containers, one deadline for the whole count.
/// </summary>
public sealed partial class GlacierActor
{
    private readonly Dictionary<RequestId, FragmentCensus> _counts = new();
    private readonly Dictionary<RequestId, CountQuery> _countQueries = new();
    private LeaseInstant? _lastRebuild;

    private void OnCountFragments(CountFragments count)
    {
        var containers = (count.Containers ?? []).Take(CountFragments.MaxContainers).ToList();
        var census = new FragmentCensus(NextOp(), Sender, containers);
        if (containers.Count == 0)
        {
            Sender.Tell(new FragmentsCounted([]));
            return;
        }
        _counts[census.Id] = census;
        Timers.StartSingleTimer(("count", census.Id), new OpExpired(OpKind.Count, census.Id), _settings.FragmentTimeout * 2);
        for (var slot = 0; slot < containers.Count; slot++)
        {
            var container = containers[slot];
            for (var index = 0; index < container.N; index++)
            {
                var op = NextOp();
                var query = new CountQuery(census, slot, index);
                _countQueries[op] = query;
                census.Outstanding++;
                WithRoot(FragmentPlacement.Position(container.ContainerId, index, container.N), root =>
                {
                    if (!_countQueries.ContainsKey(op)) return;
                    if (root is null) Counted(op, held: false, answered: false);
                    else if (IsSelf(root)) Counted(op, _store.Get(new FragmentKey(container.ContainerId, query.Index)) is not null, answered: true);
                    else
                    {
                        query.Root = root;
                        Send(root, new FragmentQuery(op, container.ContainerId, query.Index, Fetch: false));
                    }
                });
            }
        }
    }

    /// <summary>True when the answer belongs to a count (counted if it is from the root asked, about the fragment asked).</summary>
    private bool OnCountAnswer(NodeHandle from, FragmentAnswer answer)
    {
        if (!_countQueries.TryGetValue(answer.Op, out var query)) return false;
        if (!IsFrom(query.Root, from) || !IsAbout(answer, query.Census.Containers[query.Slot].ContainerId, query.Index))
            RefuseReply(nameof(FragmentAnswer), answer.Container, from);
        else Counted(answer.Op, answer.Held, answered: true);
        return true;
    }

    private void Counted(RequestId op, bool held, bool answered)
    {
        if (!_countQueries.Remove(op, out var query)) return;
        var census = query.Census;
        census.Outstanding--;
        if (held) census.Held[query.Slot]++;
        if (answered) census.Answered[query.Slot]++;
        if (census.Outstanding == 0) FinishCount(census.Id);
    }

    private void FinishCount(RequestId id)
    {
        if (!_counts.Remove(id, out var census)) return;
        Timers.Cancel(("count", id));
        foreach (var op in _countQueries.Where(q => q.Value.Census == census).Select(q => q.Key).ToList()) _countQueries.Remove(op);
        census.ReplyTo.Tell(new FragmentsCounted(census.Containers
            .Select((c, slot) => new FragmentCount(c.ContainerId, census.Held[slot], c.N, c.M, c.N - census.Answered[slot])).ToList()));
    }

    private sealed class FragmentCensus(RequestId id, IActorRef replyTo, IReadOnlyList<ContainerRef> containers)
    {
        public RequestId Id { get; } = id;
        public IActorRef ReplyTo { get; } = replyTo;
        public IReadOnlyList<ContainerRef> Containers { get; } = containers;
        public int[] Held { get; } = new int[containers.Count];
        public int[] Answered { get; } = new int[containers.Count];
        public int Outstanding { get; set; }
    }

    private sealed class CountQuery(FragmentCensus census, int slot, int index)
    {
        public FragmentCensus Census { get; } = census;
        public int Slot { get; } = slot;
        public int Index { get; } = index;
        public NodeHandle? Root { get; set; }
    }
}
