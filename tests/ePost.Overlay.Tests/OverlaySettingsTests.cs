using Akka.Configuration;

namespace ePost.Overlay.Tests;

public sealed class OverlaySettingsTests
{
    private static OverlaySettings With(string hocon) => OverlaySettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void Defaults_come_from_the_embedded_overlay_conf()
    {
        var s = OverlaySettings.Default;

        Assert.Equal(4, s.DigitBits);
        Assert.Equal(24, s.LeafSetSize);
        Assert.Equal(40, s.MaxHops);
        Assert.Equal(TimeSpan.FromSeconds(10), s.JoinTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), s.JoinRetryInitial);
        Assert.Equal(TimeSpan.FromSeconds(60), s.JoinRetryMax);
        Assert.Equal(256, s.JoinMaxHandles);
        Assert.Equal(200, s.JoinMaxPerSecond);
        Assert.Equal(10_000, s.MaxQueuedRoutes);
        Assert.Equal(TimeSpan.FromSeconds(15), s.ProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), s.ProbeTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(50), s.MinTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), s.MaxTimeout);
        Assert.Equal(2, s.ProbeRetries);
        Assert.Equal(TimeSpan.FromMinutes(10), s.FailedMemory);
        Assert.Equal(TimeSpan.FromMinutes(2), s.RouteProbeIdle);
        Assert.Equal(TimeSpan.FromMinutes(15), s.TableMaintenanceInterval);
    }

    [Fact]
    public void An_empty_config_falls_back_to_the_defaults() =>
        Assert.Equal(OverlaySettings.Default, OverlaySettings.Create(ConfigurationFactory.Empty));

    [Fact]
    public void The_default_config_binds_the_overlay_serializer()
    {
        var config = OverlaySettings.DefaultConfig;

        Assert.Equal("ePost.Overlay.Wire.OverlaySerializer, ePost.Overlay", config.GetString("akka.actor.serializers.epost-overlay"));
        Assert.Equal("epost-overlay", config.GetConfig("akka.actor.serialization-bindings").GetString("\"ePost.Overlay.IOverlayMessage, ePost.Overlay\""));
    }

    [Fact]
    public void Overrides_replace_only_what_they_name()
    {
        var s = With("""
            epost.overlay {
              leaf-set-size = 16
              digit-bits = 2
              join.max-per-second = 5
              liveness.probe-timeout = 500ms
            }
            """);

        Assert.Equal(16, s.LeafSetSize);
        Assert.Equal(2, s.DigitBits);
        Assert.Equal(5, s.JoinMaxPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.ProbeTimeout);
        Assert.Equal(OverlaySettings.Default with { LeafSetSize = 16, DigitBits = 2, JoinMaxPerSecond = 5, ProbeTimeout = TimeSpan.FromMilliseconds(500) }, s);
    }

    [Theory]
    [InlineData("leaf-set-size = 23")]
    [InlineData("leaf-set-size = 0")]
    [InlineData("digit-bits = 3")]
    [InlineData("digit-bits = 0")]
    [InlineData("digit-bits = 16")]
    [InlineData("liveness.probe-retries = -1")]
    [InlineData("max-hops = 0")]
    [InlineData("liveness.min-timeout = 20s")]
    [InlineData("liveness.probe-interval = 0s")]
    [InlineData("join.timeout = 0s")]
    [InlineData("routing-table.maintenance-interval = 0s")]
    public void Invalid_values_are_a_configuration_exception(string setting) =>
        Assert.Throws<ConfigurationException>(() => With("epost.overlay." + setting));

    [Fact]
    public void Worst_case_detection_is_a_probe_round_plus_every_backed_off_timeout()
    {
        // 15 s round + 3 s + 6 s + min(12 s, 10 s cap) + 6 s of relayed probes.
        Assert.Equal(TimeSpan.FromSeconds(40), OverlaySettings.Default.WorstCaseDetection);

        var noRetries = With("epost.overlay.liveness.probe-retries = 0");
        Assert.Equal(TimeSpan.FromSeconds(24), noRetries.WorstCaseDetection);

        var fast = With("""
            epost.overlay.liveness { probe-interval = 5s, probe-timeout = 1s, probe-retries = 4, max-timeout = 6s }
            """);
        Assert.Equal(TimeSpan.FromSeconds(5 + 1 + 2 + 4 + 6 + 6 + 6), fast.WorstCaseDetection);

        var noRelays = With("epost.overlay.source-routing.max-relays = 0");
        Assert.Equal(TimeSpan.FromSeconds(34), noRelays.WorstCaseDetection);
    }
}
