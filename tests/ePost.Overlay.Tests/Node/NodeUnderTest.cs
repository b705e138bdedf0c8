using Akka.Configuration;
using ePost.Core.Ids;
using ePost.Overlay.Join;
using ePost.Overlay.Liveness;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Node;

/// <summary>One <see cref="PastryNode"/> wired to a recording network and a hand-driven host.</summary>
internal sealed class NodeUnderTest
{
    public NodeUnderTest(string hex, string? settings = null)
    {
        Settings = settings is null ? OverlaySettings.Default : OverlaySettings.Create(ConfigurationFactory.ParseString(settings));
        Node = new PastryNode(Handle(hex), Settings, Network, Host);
    }

    public OverlaySettings Settings { get; }
    public FakePeerNetwork Network { get; } = new();
    public FakeOverlayHost Host { get; } = new();
    public PastryNode Node { get; }
    public NodeHandle Self => Node.Self;

    /// <summary>Starts as the first node of a new ring, then learns of <paramref name="members"/> from their own announcements.</summary>
    public NodeUnderTest ReadyWith(params string[] members)
    {
        Node.Start([]);
        foreach (var m in members) Receive(new Announce(Handle(m)), from: m);
        // A settled node: everyone it probed on arrival (each new successor or predecessor, for its lease) answered
        // after a 1 s round trip, which keeps the adaptive timeout at 3 s (RFC 6298: 3 x the first sample), and the
        // neighbours granted their leases.
        var pending = Network.Sent.Select(s => s.Message).OfType<Probe>().ToList();
        Host.Now += TimeSpan.FromSeconds(1);
        foreach (var member in members.Select(m => Handle(m)))
            if (pending.LastOrDefault(p => Network.Sent.Any(s => s.To == member.Address && ReferenceEquals(s.Message, p))) is { } probe)
                Receive(new ProbeReply(member, probe.Nonce, [], Lease: true), from: member);
        Network.Sent.Clear();
        Host.Events.Clear();
        return this;
    }

    /// <summary>The message arrives from <paramref name="from"/>, which the transport authenticated as that node.</summary>
    public void Receive(IOverlayMessage message, NodeHandle from) => Node.Receive(message, new AuthenticatedPeer(from.Address, from.Id));

    /// <summary>The message arrives from the node <c>fake:&lt;hex&gt;</c>, authenticated as the id written <paramref name="from"/>.</summary>
    public void Receive(IOverlayMessage message, string from) => Receive(message, Handle(from));

    /// <summary>The message arrives from a peer as the transport saw it (an unauthenticated one has no node id).</summary>
    public void Receive(IOverlayMessage message, AuthenticatedPeer from) => Node.Receive(message, from);

    /// <summary>Moves the clock to the timer's due time (never backwards) and fires it.</summary>
    public void Fire(OverlayTimer timer)
    {
        Assert.True(Host.Timers.Remove(timer, out var due), $"{timer} is not pending");
        if (due > Host.Now) Host.Now = due;
        Node.OnTimer(timer);
    }

    /// <summary>The delay a pending timer was last started with.</summary>
    public TimeSpan DelayOf(OverlayTimer timer)
    {
        Assert.True(Host.Timers.ContainsKey(timer), $"{timer} is not pending");
        return Host.TimerStarts.Last(t => t.Timer.Equals(timer)).Delay;
    }

    /// <summary>Messages of one kind sent to one node, in order.</summary>
    public List<T> SentTo<T>(string hex) =>
        Network.Sent.Where(s => s.To == FakePeerNetwork.Scheme + hex).Select(s => s.Message).OfType<T>().ToList();

    /// <summary>Messages of one kind sent to anyone, in order.</summary>
    public List<(string To, T Message)> Sent<T>() =>
        Network.Sent.Where(s => s.Message is T).Select(s => (s.To, (T)s.Message)).ToList();

    /// <summary>The join nonce of the last join request this node sent (its own join or a healing join).</summary>
    public long JoinNonce => Sent<JoinRequest>().Last(s => s.Message.Joiner == Self).Message.JoinNonce;

    /// <summary>The nonce of the last probe sent to a node.</summary>
    public long LastProbeNonce(string hex) => SentTo<Probe>(hex).Last().Nonce;

    /// <summary>The node answers the last probe sent to it.</summary>
    public void Answer(string hex, params NodeHandle[] leafSet) =>
        Receive(new ProbeReply(Handle(hex), LastProbeNonce(hex), leafSet), from: hex);

    /// <summary>Every relay fails too: the pending round of relayed probes to the node times out.</summary>
    public void FailRelays(string hex)
    {
        if (Host.Timers.Keys.OfType<RelayRoundTimeout>().SingleOrDefault(t => t.Peer == Id(hex)) is { } round) Fire(round);
    }

    /// <summary>Pending probe timeout for a node, if any.</summary>
    public ProbeTimeout? PendingProbeTimeout(string hex) =>
        Host.Timers.Keys.OfType<ProbeTimeout>().SingleOrDefault(t => t.Peer == Id(hex));

    public bool Knows(string hex) => Node.LeafSet.Contains(Id(hex)) || Node.Table.Contains(Id(hex));

    /// <summary>Everything in the node's tables, for before/after comparisons.</summary>
    public string Tables() =>
        string.Join(",", Node.LeafSet.Clockwise) + " | " + string.Join(",", Node.LeafSet.CounterClockwise) + " | " +
        string.Join(",", Node.Table.Entries);

    public static RingId Key(string hex) => Id(hex);
}
