using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Overlay;
using ePost.Storage.Replication;

namespace ePost.Storage.Tests.Support;

/// <summary>A ring of ReplicaManagers over <see cref="LoopbackOverlay"/>s in one ActorSystem on virtual time.</summary>
public sealed class VirtualRing : IDisposable
{
    /// <summary>Virtual time, the storage serializer bound, timers slow enough that advancing days stays cheap.</summary>
    public static Config Config(string extra = "") => ConfigurationFactory.ParseString($$"""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = WARNING
        epost.storage {
          repair { interval = 1h, fetch-tick = 1h }
          leases { checkpoint-interval = 1h, collection-interval = 1h }
        }
        {{extra}}
        """).WithFallback(StorageSettings.DefaultConfig);

    private readonly TempDataDirectory _root = new();

    /// <summary>The CA that certifies the nodes of every virtual ring.</summary>
    public static CertificateAuthority Ca { get; } = CertificateAuthority.Create(System.Security.Cryptography.RandomNumberGenerator.Create());

    /// <summary>The key of the <paramref name="index"/>th node of a virtual ring (its id is the key's SHA-256, as for real nodes).</summary>
    public static Ed25519KeyPair KeyOf(int index) => Ed25519.FromSeed(Enumerable.Repeat((byte)(0x40 + index), 32).ToArray());

    /// <param name="signed">
    /// Give every node a key whose SHA-256 is its id and a node certificate of <see cref="Ca"/> (as real nodes have), and
    /// let it sign storage receipts, checked against <see cref="Ca"/>. Unsigned rings (random ids, no receipts) run with
    /// require-receipts off.
    /// </param>
    public VirtualRing(ActorSystem system, int count, Action<int, string>? prepareDataDir = null, bool signed = false)
    {
        Settings = StorageSettings.Create(system.Settings.Config);
        if (!signed) Settings = Settings with { RequireReceipts = false };
        var clock = new VirtualMonotonicClock((TestScheduler)system.Scheduler);
        var random = new Random(11);
        var keys = Enumerable.Range(0, count).Select(KeyOf).ToList();
        var members = CertifiedMembers.OfAuthority(Ca.PublicKey);
        // Every member exists before any store asks its overlay who its neighbours are.
        var handles = Enumerable.Range(0, count)
            .Select(i => new NodeHandle(signed ? RingId.FromSha256(keys[i].PublicKey) : RingId.Random(random), $"loop://n{i}", 1)).ToList();
        foreach (var handle in handles) Membership.Nodes[handle.Id] = (handle, null);
        for (var i = 0; i < count; i++)
        {
            var handle = handles[i];
            var dir = Path.Combine(_root.Path, $"n{i}");
            Directory.CreateDirectory(dir);
            prepareDataDir?.Invoke(i, dir);
            var overlay = system.ActorOf(Props.Create(() => new LoopbackOverlay(Membership, handle)));
            Nodes.Add((handle, system.ActorOf(ReplicaManager.Props(Settings, overlay, dir, clock, signed ? keys[i] : null,
                signed ? Ca.IssueNode(keys[i].PublicKey, (ulong)i + 1).Encode() : null, members)), dir));
        }
    }

    /// <summary>True once every store registered with its overlay.</summary>
    public bool AllRegistered
    {
        get
        {
            lock (Membership) return Membership.Nodes.Values.All(n => n.Application is not null);
        }
    }

    public StorageSettings Settings { get; }

    public LoopbackOverlay.Ring Membership { get; } = new();

    public List<(NodeHandle Handle, IActorRef Storage, string DataDir)> Nodes { get; } = new();

    /// <summary>Indexes of the r nodes closest to <paramref name="id"/>.</summary>
    public List<int> ReplicaIndexes(RingId id) =>
        Enumerable.Range(0, Nodes.Count).OrderBy(i => Nodes[i].Handle.Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(id, a, b)))
            .Take(Settings.ReplicationFactor).ToList();

    public void Dispose() => _root.Dispose();
}

/// <summary>The TestScheduler's virtual time as a monotonic clock (its own MonotonicClock reads real time).</summary>
public sealed class VirtualMonotonicClock(TestScheduler scheduler) : ePost.Core.Time.IMonotonicClock
{
    private readonly DateTimeOffset _start = scheduler.Now;

    public TimeSpan Elapsed => scheduler.Now - _start;
}
