using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Storage.Glacier;
using ePost.Storage.Replication;

namespace ePost.Storage.Tests.Support;

/// <summary>
/// A ring of GlacierActors over <see cref="LoopbackOverlay"/>s in one ActorSystem on virtual time: FindRoot answers
/// with the true root among live nodes, every message crosses the Glacier serializer, failed nodes drop everything.
/// </summary>
public sealed class GlacierRing : IDisposable
{
    /// <summary>Virtual time; timers slow enough that nothing runs unless a test asks for it.</summary>
    public static Config Config(string extra = "") => ConfigurationFactory.ParseString($$"""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = WARNING
        epost.glacier {
          # The design's fixed code, which these tests' counts are written for (production picks one per container).
          code { fragments = 48, needed = 5 }
          container.max-objects = 100
          maintenance.interval = 1000d
          leases { checkpoint-interval = 1000d, collection-interval = 1000d }
        }
        {{extra}}
        """).WithFallback(StorageSettings.DefaultConfig);

    private readonly TempDataDirectory _root = new();
    private readonly ActorSystem _system;
    private readonly VirtualMonotonicClock _clock;

    public GlacierRing(ActorSystem system, int count, int seed = 11)
    {
        _system = system;
        Settings = GlacierSettings.Create(system.Settings.Config);
        _clock = new VirtualMonotonicClock((TestScheduler)system.Scheduler);
        var random = new Random(seed);
        var handles = Enumerable.Range(0, count).Select(i => new NodeHandle(RingId.Random(random), $"loop://g{i}", 1)).ToList();
        foreach (var handle in handles) Membership.Nodes[handle.Id] = (handle, null);
        foreach (var handle in handles) Start(handle);
    }

    /// <summary>Adds a node with the given id to the running ring (it becomes the root of the keys nearest it).</summary>
    public Member Join(RingId id)
    {
        var handle = new NodeHandle(id, $"loop://g{Nodes.Count}", 1);
        lock (Membership) Membership.Nodes[id] = (handle, null);
        return Start(handle);
    }

    private Member Start(NodeHandle handle)
    {
        var i = Nodes.Count;
        var dir = Path.Combine(_root.Path, $"g{i}");
        var key = Ed25519.FromSeed(Enumerable.Repeat((byte)(i + 1), 32).ToArray());
        var overlay = _system.ActorOf(Props.Create(() => new LoopbackOverlay(Membership, handle)));
        var member = new Member(handle, overlay, _system.ActorOf(GlacierActor.Props(Settings, overlay, key, dir, _clock)), dir);
        Nodes.Add(member);
        return member;
    }

    public GlacierSettings Settings { get; }

    public LoopbackOverlay.Ring Membership { get; } = new();

    public List<Member> Nodes { get; } = new();

    public IEnumerable<Member> Live => Nodes.Where(n => !Membership.Down.Contains(n.Handle.Id));

    /// <summary>True once every archive registered with its overlay.</summary>
    public bool AllRegistered
    {
        get
        {
            lock (Membership) return Membership.Nodes.Values.All(n => n.Application is not null);
        }
    }

    /// <summary>Fails nodes at one instant, for good: they drop all traffic and their actors stop.</summary>
    public void Fail(IEnumerable<Member> victims)
    {
        lock (Membership)
            foreach (var victim in victims) Membership.Down.Add(victim.Handle.Id);
        foreach (var victim in Nodes.Where(n => Membership.Down.Contains(n.Handle.Id)))
        {
            _system.Stop(victim.Glacier);
            _system.Stop(victim.Overlay);
        }
    }

    /// <summary>The live node that is the root of <paramref name="key"/>.</summary>
    public Member RootOf(RingId key) =>
        Live.OrderBy(n => n.Handle.Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(key, a, b))).First();

    public void Dispose() => _root.Dispose();

    public sealed record Member(NodeHandle Handle, IActorRef Overlay, IActorRef Glacier, string DataDir);
}
