using Akka.Actor;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Overlay.Node;

namespace ePost.Storage.Tests.Support;

/// <summary>
/// Stands in for the <see cref="RingNode"/> of one node in a ring that lives inside one ActorSystem: answers
/// FindRoot with the closest live node, delivers direct sends to the target's registered application after a
/// round trip through the storage serializer, and drops sends to nodes marked down.
/// </summary>
public sealed class LoopbackOverlay : ReceiveActor
{
    /// <summary>The shared membership of a loopback ring.</summary>
    public sealed class Ring
    {
        public Dictionary<RingId, (NodeHandle Handle, IActorRef? Application)> Nodes { get; } = new();
        public HashSet<RingId> Down { get; } = new();

        /// <summary>Nodes that still count as live (FindRoot names them) but silently drop everything sent to them.</summary>
        public HashSet<RingId> Silent { get; } = new();

        /// <summary>Sees every direct send (sender, target, payload) before it is delivered or dropped, as an eavesdropper on the path would.</summary>
        public Action<NodeHandle, NodeHandle, object>? Tap { get; set; }

        /// <summary>
        /// Keys whose next FindRoot is answered with a root for another key instead (what the asker's overlay hands on
        /// after a forged lookup reply), and no answer for the key asked.
        /// </summary>
        public Dictionary<RingId, RingId> ForgedRoots { get; } = new();
        public IEnumerable<NodeHandle> Live => Nodes.Values.Where(n => !Down.Contains(n.Handle.Id)).Select(n => n.Handle);
    }

    public LoopbackOverlay(Ring ring, NodeHandle self)
    {
        Receive<RegisterApplication>(m =>
        {
            lock (ring) ring.Nodes[self.Id] = (self, m.Handler);
        });
        Receive<SubscribeOverlayEvents>(_ => { });
        Receive<GetNodeStatus>(_ =>
        {
            var others = ring.Nodes.Values.Select(n => n.Handle).Where(n => n.Id != self.Id).ToArray();
            Sender.Tell(new NodeStatus(self, true, others, others, 0, 0, 0, 0, 0));
        });
        Receive<FindRoot>(m =>
        {
            RingId forged;
            bool forge;
            lock (ring) forge = ring.ForgedRoots.Remove(m.Key, out forged);
            if (forge)
            {
                Sender.Tell(new RootFound(forged, self, 1));
                return;
            }
            var root = ring.Live.OrderBy(n => n.Id, Comparer<RingId>.Create((a, b) => RingId.CompareCloseness(m.Key, a, b))).First();
            Sender.Tell(new RootFound(m.Key, root, 1));
        });
        Receive<SendTo>(m =>
        {
            ring.Tap?.Invoke(self, m.To, m.Payload);
            if (ring.Down.Contains(m.To.Id) || ring.Down.Contains(self.Id) || ring.Silent.Contains(m.To.Id)) return;
            (NodeHandle Handle, IActorRef? Application) target;
            lock (ring)
                if (!ring.Nodes.TryGetValue(m.To.Id, out target) || target.Application is null) return;
            var serialization = Context.System.Serialization;
            var serializer = serialization.FindSerializerFor(m.Payload);
            var bytes = serializer.ToBinary(m.Payload);
            var copy = serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, m.Payload));
            target.Application.Tell(new DirectDelivered(self, copy));
        });
    }
}
