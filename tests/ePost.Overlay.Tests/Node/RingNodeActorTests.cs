using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Overlay.Liveness;
using ePost.Overlay.Network;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;

namespace ePost.Overlay.Tests.Node;

/// <summary>The <see cref="RingNode"/> actor on virtual time: its timers run on the TestScheduler.</summary>
public sealed class RingNodeActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.actor.serialization-settings.allow-unregistered-types = off
        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        """).WithFallback(OverlaySettings.DefaultConfig);

    public RingNodeActorTests() : base(VirtualTime) { }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void A_node_that_starts_a_ring_is_the_root_of_every_key()
    {
        var node = Sys.ActorOf(RingNode.Props(OverlaySettings.Default, RingId.Random(new Random(1)), 1, [], new SchedulerVirtualClock(Sys.Scheduler)));
        node.Tell(GetNodeStatus.Instance);
        var status = ExpectMsg<NodeStatus>();
        Assert.True(status.Ready);

        var key = RingId.Random(new Random(2));
        node.Tell(new FindRoot(key));
        var found = ExpectMsg<RootFound>();
        Assert.Equal(status.Self.Id, found.Root.Id);
        Assert.Equal(0, found.Hops);
    }

    [Fact]
    public void A_lookup_on_a_node_that_cannot_reach_its_bootstrap_fails_after_the_lookup_timeout_of_virtual_time()
    {
        var settings = OverlaySettings.Default;
        var node = Sys.ActorOf(RingNode.Props(settings, RingId.Random(new Random(3)), 1, ["akka.tcp://epost@127.0.0.1:1"], new SchedulerVirtualClock(Sys.Scheduler)));
        var key = RingId.Random(new Random(4));
        node.Tell(new FindRoot(key));
        // The node handles its mail in order: once it answers a status request, the lookup (and its timer) has started.
        node.Tell(GetNodeStatus.Instance);
        ExpectMsg<NodeStatus>();

        Scheduler.Advance(settings.LookupTimeout - TimeSpan.FromSeconds(1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(2));
        var failed = ExpectMsg<RootNotFound>();
        Assert.Equal(key, failed.Key);

        node.Tell(GetNodeStatus.Instance);
        Assert.False(ExpectMsg<NodeStatus>().Ready);
    }

    [Fact]
    public void Payloads_go_only_to_applications_registered_for_their_type()
    {
        var self = RingId.Random(new Random(5));
        var node = Sys.ActorOf(RingNode.Props(OverlaySettings.Default, self, 1, [], new SchedulerVirtualClock(Sys.Scheduler)));
        var rowApp = CreateTestProbe();
        var lookupApp = CreateTestProbe();
        node.Tell(new RegisterApplication(typeof(RowRequest), rowApp.Ref));
        node.Tell(new RegisterApplication(typeof(LookupReply), lookupApp.Ref));

        var handle = new NodeHandle(self, ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), 1);
        var payload = new RowRequest(handle, 3);
        node.Tell(new RouteTo(RingId.Zero, payload));

        var delivered = rowApp.ExpectMsg<Delivered>();
        Assert.Equal(payload, delivered.Payload);
        Assert.Equal(RingId.Zero, delivered.Key);
        lookupApp.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_payload_that_arrives_before_its_application_registers_is_handed_over_when_it_registers()
    {
        var self = RingId.Random(new Random(6));
        var node = Sys.ActorOf(RingNode.Props(OverlaySettings.Default, self, 1, [], new SchedulerVirtualClock(Sys.Scheduler)));
        var handle = new NodeHandle(self, ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), 1);
        var early = new RowRequest(handle, 1);
        node.Tell(new RouteTo(RingId.Zero, early));
        node.Tell(GetNodeStatus.Instance);
        ExpectMsg<NodeStatus>();

        Scheduler.Advance(OverlaySettings.Default.EarlyDeliveryWait - TimeSpan.FromSeconds(1));
        var app = CreateTestProbe();
        node.Tell(new RegisterApplication(typeof(RowRequest), app.Ref));
        var later = new RowRequest(handle, 2);
        node.Tell(new RouteTo(RingId.Zero, later));

        Assert.Equal(early, app.ExpectMsg<Delivered>().Payload);
        Assert.Equal(later, app.ExpectMsg<Delivered>().Payload);
    }

    [Fact]
    public void A_payload_whose_application_does_not_register_within_the_wait_is_dropped()
    {
        var self = RingId.Random(new Random(7));
        var node = Sys.ActorOf(RingNode.Props(OverlaySettings.Default, self, 1, [], new SchedulerVirtualClock(Sys.Scheduler)));
        var handle = new NodeHandle(self, ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), 1);
        node.Tell(new RouteTo(RingId.Zero, new RowRequest(handle, 1)));
        node.Tell(GetNodeStatus.Instance);
        ExpectMsg<NodeStatus>();

        Scheduler.Advance(OverlaySettings.Default.EarlyDeliveryWait + TimeSpan.FromSeconds(1));
        node.Tell(GetNodeStatus.Instance);
        ExpectMsg<NodeStatus>();
        var app = CreateTestProbe();
        node.Tell(new RegisterApplication(typeof(RowRequest), app.Ref));
        app.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Proves one node id for one address, as the authenticated transport does for a TLS connection.</summary>
    private sealed class OnePeerProven(Address address, RingId node) : IPeerAuthenticator
    {
        public RingId? NodeAt(Address at) => at == address ? node : null;
    }

    [Fact]
    public void A_message_whose_sender_claims_another_id_than_the_transport_proved_is_dropped_as_forged()
    {
        var local = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
        var proven = RingId.Random(new Random(8));
        var node = Sys.ActorOf(RingNode.Props(OverlaySettings.Default, RingId.Random(new Random(9)), 1, [],
            new SchedulerVirtualClock(Sys.Scheduler), new OnePeerProven(local, proven)));

        // The test actor's address is the one the authenticator proved `proven` for; it claims another id there.
        node.Tell(new Probe(new NodeHandle(RingId.Random(new Random(10)), local.ToString(), 1), 1, []));
        node.Tell(GetOverlayCounters.Instance);

        var counters = ExpectMsg<OverlayCounters>();
        Assert.Equal(1, counters.ForgedSender);
        Assert.Equal(1, counters.Dropped);
    }

    [Fact]
    public void Without_an_authenticator_a_sender_is_checked_by_the_address_it_sent_from()
    {
        var local = ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString();
        var node = Sys.ActorOf(RingNode.Props(OverlaySettings.Default, RingId.Random(new Random(11)), 1, [], new SchedulerVirtualClock(Sys.Scheduler)));

        node.Tell(new Probe(new NodeHandle(RingId.Random(new Random(12)), "akka.tcp://epost@10.0.0.9:4000", 1), 1, []));
        node.Tell(new Probe(new NodeHandle(RingId.Random(new Random(13)), local, 1), 2, []));
        node.Tell(GetOverlayCounters.Instance);

        // The second names the address it came from: handled (its reply goes to that address), not dropped.
        Assert.Equal(1, FishForMessage<OverlayCounters>(_ => true).ForgedSender);
    }
}
