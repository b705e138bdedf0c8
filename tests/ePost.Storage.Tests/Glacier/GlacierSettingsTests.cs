using Akka.Configuration;
using ePost.Core.Erasure;
using ePost.Storage.Glacier;

namespace ePost.Storage.Tests.Glacier;

public class GlacierSettingsTests
{
    private static GlacierSettings Create(string hocon) => GlacierSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void By_default_each_container_gets_its_own_code_and_a_full_one_stores_at_most_four_bytes_per_byte_at_one_in_a_million()
    {
        var settings = GlacierSettings.Default;
        Assert.NotNull(settings.Automatic);
        var full = settings.CodeFor(settings.ContainerMaxBytes);
        Assert.Equal(full, settings.Code);
        Assert.True(full.LossProbability <= 1e-6, $"({full.N}, {full.M}) loses {full.LossProbability}");
        Assert.Equal(0.6, full.FailureFraction);
        Assert.True(CodeChoice.StoredPerByte(full.N, full.M, settings.ContainerMaxBytes) <= 4.0);
        // A small container (incremental archiving of a few mails) gets fewer fragments, still meeting the target.
        var small = settings.CodeFor(4096);
        Assert.True(small.N < full.N);
        Assert.True(small.LossProbability <= 1e-6);
        Assert.True(CodeChoice.StoredPerByte(small.N, small.M, 4096) < CodeChoice.StoredPerByte(full.N, full.M, 4096));
    }

    [Fact]
    public void A_fixed_code_is_used_for_every_container()
    {
        var settings = Create("epost.glacier.code { fragments = 48, needed = 5 }");
        Assert.Null(settings.Automatic);
        Assert.Equal((48, 5), (settings.CodeFor(100).N, settings.CodeFor(100).M));
        Assert.Equal((48, 5), (settings.CodeFor(1 << 20).N, settings.CodeFor(1 << 20).M));
    }

    [Fact]
    public void The_automatic_choice_meets_the_target_and_stores_less_than_the_design_default()
    {
        var code = Create("epost.glacier.code { fragments = 0, needed = 0 }").Code;
        Assert.True(code.LossProbability <= 1e-6);
        // One Merkle path with each fragment (not every fragment's digest) lets the cheapest code by n / m win.
        Assert.Equal((251, 65), (code.N, code.M));
        Assert.True(CodeChoice.StoredPerByte(code.N, code.M, 262144) < 0.7 * CodeChoice.StoredPerByte(48, 5, 262144));
    }

    [Fact]
    public void The_automatic_choice_counts_manifests_so_it_is_never_worse_than_the_cheapest_by_overhead_alone()
    {
        foreach (var size in new long[] { 16_384, 262_144, 1 << 20, 8 << 20 })
        {
            var chosen = CodeChoice.Cheapest(0.6, 1e-6, 255, size)!;
            var byOverhead = DurabilityCalculator.Cheapest(0.6, 1e-6)!;
            Assert.True(chosen.LossProbability <= 1e-6);
            Assert.True(CodeChoice.StoredPerByte(chosen.N, chosen.M, size) <= CodeChoice.StoredPerByte(byOverhead.N, byOverhead.M, size));
        }
        // Small containers favour few fragments: the manifests dominate.
        Assert.True(CodeChoice.Cheapest(0.6, 1e-6, 255, 16_384)!.N < CodeChoice.Cheapest(0.6, 1e-6, 255, 1 << 20)!.N);
    }

    [Fact]
    public void A_fixed_code_is_taken_as_configured_with_its_loss_probability()
    {
        var code = Create("epost.glacier.code { fragments = 48, needed = 5 }").Code;
        Assert.Equal((48, 5), (code.N, code.M));
        Assert.Equal(DurabilityCalculator.LossProbability(48, 5, 0.6), code.LossProbability);
    }

    [Theory]
    [InlineData("epost.glacier.code { fragments = 5, needed = 6 }")]
    [InlineData("epost.glacier.code { fragments = 256, needed = 5 }")]
    [InlineData("epost.glacier.code { failure-fraction = 1.5 }")]
    [InlineData("epost.glacier.code { fragments = 0, needed = 0, target-loss = 1e-300, max-fragments = 10 }")]
    [InlineData("epost.glacier.code { fragments = 0, needed = 0, sizing-container-bytes = 0 }")]
    [InlineData("epost.glacier.container.max-objects = 0")]
    [InlineData("epost.glacier.chunk-bytes = 200000")]
    [InlineData("epost.glacier.maintenance.interval = 0s")]
    public void Impossible_settings_are_refused_at_start_up(string hocon) =>
        Assert.Throws<ConfigurationException>(() => Create(hocon));
}
