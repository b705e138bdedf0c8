using ePost.Core.Ids;
using ePost.Overlay.Node;

namespace ePost.Overlay.Tests.Node;

/// <summary>A host on a virtual clock that records timers and upcalls; tests move the clock and fire timers themselves.</summary>
internal sealed class FakeOverlayHost : IOverlayHost
{
    /// <summary>The virtual clock; only tests move it.</summary>
    public TimeSpan Now { get; set; }

    public Random Random { get; } = new(17);

    /// <summary>Pending timers with the virtual time each is due.</summary>
    public Dictionary<OverlayTimer, TimeSpan> Timers { get; } = new();

    /// <summary>Every timer start, with the delay asked for.</summary>
    public List<(OverlayTimer Timer, TimeSpan Delay)> TimerStarts { get; } = new();

    public List<OverlayEvent> Events { get; } = new();

    public List<(RingId Key, object Payload, NodeHandle Origin, int Hops)> Delivered { get; } = new();

    public List<(NodeHandle From, object Payload)> DeliveredDirect { get; } = new();

    public List<(long RequestId, RingId Key, NodeHandle Root, int Hops)> Lookups { get; } = new();

    public void StartTimer(OverlayTimer timer, TimeSpan delay)
    {
        Timers[timer] = Now + delay;
        TimerStarts.Add((timer, delay));
    }

    public void CancelTimer(OverlayTimer timer) => Timers.Remove(timer);

    public void Deliver(RingId key, object payload, NodeHandle origin, int hops) => Delivered.Add((key, payload, origin, hops));

    public void DeliverDirect(NodeHandle from, object payload) => DeliveredDirect.Add((from, payload));

    public void LookupCompleted(long requestId, RingId key, NodeHandle root, int hops) => Lookups.Add((requestId, key, root, hops));

    public void OnEvent(OverlayEvent e) => Events.Add(e);
}
