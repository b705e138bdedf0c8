using ePost.Core.Erasure;

namespace ePost.Core.Tests.Erasure;

public sealed class DurabilityCalculatorTests
{
    private static void AssertRelative(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    // The binomial tail summed directly in decimal for small n, where no term can underflow.
    private static double DirectSum(int n, int m, double f)
    {
        var total = 0m;
        for (var k = 0; k < m; k++)
        {
            decimal choose = 1;
            for (var i = 0; i < k; i++) choose = choose * (n - i) / (i + 1);
            var term = choose;
            for (var i = 0; i < k; i++) term *= 1 - (decimal)f;
            for (var i = 0; i < n - k; i++) term *= (decimal)f;
            total += term;
        }
        return (double)total;
    }

    [Theory]
    [InlineData(10, 3, 0.1)]
    [InlineData(12, 4, 0.5)]
    [InlineData(20, 7, 0.3)]
    [InlineData(6, 6, 0.25)]
    public void Loss_probability_matches_a_direct_sum_for_small_codes(int n, int m, double f) =>
        AssertRelative(DirectSum(n, m, f), DurabilityCalculator.LossProbability(n, m, f), 1e-12);

    [Fact]
    public void Default_48_of_5_at_60_percent_failure_loses_about_one_object_in_a_million()
    {
        // Exact rational value (Python fractions): 9.900239879547964e-07.
        AssertRelative(9.900239879547964e-07, DurabilityCalculator.LossProbability(48, 5, 0.6));
        Assert.Equal(9.6, DurabilityCalculator.Evaluate(48, 5, 0.6).Overhead, 12);
    }

    [Fact]
    public void Tiny_probabilities_keep_full_precision()
    {
        // One fragment needed of 255: lost only if all fail, 0.6^255.
        AssertRelative(Math.Pow(0.6, 255), DurabilityCalculator.LossProbability(255, 1, 0.6));
        AssertRelative(2.6826798537325934e-57, DurabilityCalculator.LossProbability(255, 1, 0.6));
    }

    [Fact]
    public void No_failures_lose_nothing_and_total_failure_loses_everything()
    {
        Assert.Equal(0, DurabilityCalculator.LossProbability(10, 3, 0));
        Assert.Equal(1, DurabilityCalculator.LossProbability(10, 3, 1));
    }

    [Fact]
    public void Cheapest_setting_for_one_in_a_million_at_60_percent_is_251_of_65()
    {
        // Cross-checked by exhaustive search with exact rationals: overhead 251/65 = 3.86, loss 9.928580463381952e-07.
        var cheapest = DurabilityCalculator.Cheapest(0.6, 1e-6);
        Assert.NotNull(cheapest);
        Assert.Equal((251, 65), (cheapest.N, cheapest.M));
        AssertRelative(9.928580463381952e-07, cheapest.LossProbability, 1e-10);
        Assert.True(cheapest.Overhead < 9.6);
    }

    [Fact]
    public void Cheapest_breaks_overhead_ties_towards_fewer_fragments()
    {
        // Nothing fails: every n/n code is lossless at overhead 1, and the smallest is (1, 1).
        var cheapest = DurabilityCalculator.Cheapest(0, 1e-9);
        Assert.Equal((1, 1), (cheapest!.N, cheapest.M));
    }

    [Fact]
    public void Cheapest_is_null_when_no_code_within_max_n_meets_the_target()
    {
        Assert.Null(DurabilityCalculator.Cheapest(0.6, 1e-6, maxN: 20));
    }

    [Theory]
    [InlineData(0, 1, 0.5)]
    [InlineData(256, 1, 0.5)]
    [InlineData(10, 11, 0.5)]
    [InlineData(10, 0, 0.5)]
    [InlineData(10, 3, -0.1)]
    [InlineData(10, 3, 1.1)]
    [InlineData(10, 3, double.NaN)]
    public void Invalid_parameters_are_refused(int n, int m, double f) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DurabilityCalculator.LossProbability(n, m, f));

    [Fact]
    public void Invalid_targets_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DurabilityCalculator.Cheapest(0.6, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DurabilityCalculator.Cheapest(0.6, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => DurabilityCalculator.Cheapest(0.6, 1e-6, maxN: 300));
    }
}
