using System.Globalization;
using Akka.Actor;
using Akka.Serialization;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using ePost.Simulation.Faults;
using ePost.Simulation.Network;

namespace ePost.Simulation.Whole;

/// <summary>
/// The simulated network between the ring node actors of a whole-system simulation. Every message is written with
/// the serializer Akka binds to it (the project's own wire serializers: the bytes Akka.Remote would carry), travels
/// for the modelled latency on the actor system's virtual scheduler, may be stopped, lost, duplicated or reordered
/// by the faults in force, and is read back from those bytes at the receiver, which never sees the sender's object.
/// </summary>
public sealed class WireNetwork
{
    private const string Scheme = "sim://n";
    private readonly object _gate = new();
    private readonly ActorSystem _system;
    private readonly Serialization _serialization;
    private readonly LatencyModel _latency;
    private readonly Random _random;
    private readonly List<(float X, float Y)> _positions = new();
    private readonly List<Attached?> _attached = new();
    private readonly Dictionary<string, long> _byLayer = new(StringComparer.Ordinal);

    /// <summary>A network on <paramref name="system"/>'s scheduler; fault draws and positions come from <paramref name="random"/>.</summary>
    public WireNetwork(ActorSystem system, LatencyModel latency, Random random)
    {
        _system = system;
        _serialization = system.Serialization;
        _latency = latency;
        _random = random;
        Faults = new NetworkFaults(() => new Random(_random.Next()));
    }

    /// <summary>Partitions, blocked links, loss and latency spread (reordering) in force.</summary>
    public NetworkFaults Faults { get; }

    /// <summary>The probability that a message that got through arrives twice.</summary>
    public double DuplicateProbability { get; set; }

    /// <summary>Messages handed to the network.</summary>
    public long Sent { get; private set; }

    /// <summary>Serialized bytes handed to the network.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Messages stopped by a partition or blocked link.</summary>
    public long Blocked { get; private set; }

    /// <summary>Messages lost to the loss probability.</summary>
    public long Dropped { get; private set; }

    /// <summary>Messages whose addressee was down (at send time or on arrival).</summary>
    public long Unreachable { get; private set; }

    /// <summary>Extra copies delivered.</summary>
    public long Duplicated { get; private set; }

    /// <summary>Messages the receiver could not read back from their bytes (always 0 unless a serializer is broken).</summary>
    public long Unreadable { get; private set; }

    /// <summary>Messages sent, by the layer whose payload they carry (overlay, storage, glacier, post).</summary>
    public IReadOnlyDictionary<string, long> SentByLayer
    {
        get
        {
            lock (_gate) return new Dictionary<string, long>(_byLayer);
        }
    }

    /// <summary>The address of endpoint <paramref name="index"/>.</summary>
    public static string AddressOf(int index) => Scheme + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reserves endpoint indexes up to <paramref name="index"/> (each gets a position in the latency model).</summary>
    public void Reserve(int index)
    {
        lock (_gate)
            while (_positions.Count <= index)
            {
                _positions.Add(((float)_random.NextDouble(), (float)_random.NextDouble()));
                _attached.Add(null);
            }
    }

    /// <summary>Attaches a ring node actor at endpoint <paramref name="index"/> (a start or restart of that node).</summary>
    /// <param name="index">The endpoint.</param>
    /// <param name="node">The node's overlay actor.</param>
    /// <param name="id">The node's id, which this network proves to receivers as the transport does.</param>
    public IPeerNetwork Connect(int index, IActorRef node, RingId id)
    {
        Reserve(index);
        var attached = new Attached(node, id);
        lock (_gate) _attached[index] = attached;
        return new Endpoint(this, index);
    }

    /// <summary>The node at <paramref name="index"/> crashed: nothing reaches it from now on, in flight or not.</summary>
    public void Detach(int index)
    {
        lock (_gate)
            if (index < _attached.Count) _attached[index] = null;
    }

    private void Send(int from, string address, IOverlayMessage message)
    {
        // Written outside the lock, as Akka.Remote writes on the sender's side; the network only ever holds bytes.
        var serializer = _serialization.FindSerializerFor(message);
        var manifest = Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        lock (_gate)
        {
            Sent++;
            BytesSent += bytes.Length;
            var layer = LayerOf(message);
            _byLayer[layer] = _byLayer.GetValueOrDefault(layer) + 1;
            if (!TryIndex(address, out var to) || to >= _attached.Count || _attached[to] is not { } target)
            {
                Unreachable++;
                return;
            }
            if (!Faults.Admits(from, to))
            {
                Blocked++;
                return;
            }
            if (Faults.DrawLoss(from, to))
            {
                Dropped++;
                return;
            }
            var sender = new AuthenticatedPeer(AddressOf(from), _attached[from]?.Id);
            var copies = DuplicateProbability > 0 && _random.NextDouble() < DuplicateProbability ? 2 : 1;
            if (copies == 2) Duplicated++;
            for (var i = 0; i < copies; i++)
            {
                var delay = Faults.Spread(_latency.Between(_positions[from], _positions[to]));
                _system.Scheduler.Advanced.ScheduleOnce(delay, () => Arrive(from, to, target, sender, bytes, serializer.Identifier, manifest));
            }
        }
    }

    private void Arrive(int from, int to, Attached target, AuthenticatedPeer sender, byte[] bytes, int serializerId, string manifest)
    {
        lock (_gate)
        {
            // The node may have crashed (or restarted as a new actor) while the message was on the wire.
            if (!ReferenceEquals(_attached[to], target))
            {
                Unreachable++;
                return;
            }
            if (!Faults.Admits(from, to))
            {
                Blocked++;
                return;
            }
        }
        object message;
        try
        {
            message = _serialization.Deserialize(bytes, serializerId, manifest);
        }
        catch (Exception)
        {
            lock (_gate) Unreadable++;
            return;
        }
        if (message is IOverlayMessage overlayMessage) target.Node.Tell(new PeerDelivery(overlayMessage, sender), ActorRefs.NoSender);
        else lock (_gate) Unreadable++;
    }

    private static string LayerOf(IOverlayMessage message)
    {
        var payload = message switch
        {
            Overlay.Routing.RouteMessage r => r.Payload,
            Overlay.Routing.DirectMessage d => d.Payload,
            _ => null,
        };
        var space = payload?.GetType().Namespace ?? "";
        return space.StartsWith("ePost.Storage.Glacier", StringComparison.Ordinal) ? "glacier"
            : space.StartsWith("ePost.Storage", StringComparison.Ordinal) ? "storage"
            : space.StartsWith("ePost.Post", StringComparison.Ordinal) ? "post"
            : "overlay";
    }

    private static bool TryIndex(string address, out int index)
    {
        index = -1;
        return address.StartsWith(Scheme, StringComparison.Ordinal)
               && int.TryParse(address.AsSpan(Scheme.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private sealed record Attached(IActorRef Node, RingId Id);

    private sealed class Endpoint(WireNetwork network, int index) : IPeerNetwork
    {
        public void Send(string address, IOverlayMessage message) => network.Send(index, address, message);

        public bool IsValidAddress(string address) => address.Length <= 32 && TryIndex(address, out _);
    }
}
