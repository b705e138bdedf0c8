namespace ePost.Core.Erasure;

/// <summary>
/// Durability of an (n, m) erasure code when each fragment sits on a distinct node and each node fails independently
/// with probability f: an object is lost when fewer than m of its n fragments survive (a binomial tail).
/// </summary>
public static class DurabilityCalculator
{
    // ln(k!) for k = 0..255, exact to double precision by summing logs (n never exceeds 255).
    private static readonly double[] LogFactorial = BuildLogFactorials();

    /// <summary>P(fewer than m of n survive) at failure fraction f, accurate to double precision relative error far below 1e-12.</summary>
    public static double LossProbability(int n, int m, double failureFraction)
    {
        Check(n, m, failureFraction);
        var survive = 1 - failureFraction;
        if (failureFraction == 0) return 0;
        if (survive == 0) return 1;
        // Each term C(n, k) s^k f^(n-k) is formed in log space so none underflows early, then the terms are summed
        // relative to the largest (log-sum-exp): a sum of positive terms loses no precision that way.
        var logS = Math.Log(survive);
        var logF = Math.Log(failureFraction);
        var logs = new double[m];
        var max = double.NegativeInfinity;
        for (var k = 0; k < m; k++)
        {
            logs[k] = LogFactorial[n] - LogFactorial[k] - LogFactorial[n - k] + k * logS + (n - k) * logF;
            max = Math.Max(max, logs[k]);
        }
        var sum = 0.0;
        foreach (var l in logs) sum += Math.Exp(l - max);
        return Math.Min(1, Math.Exp(max + Math.Log(sum)));
    }

    /// <summary>The setting (n, m) evaluated at failure fraction f.</summary>
    public static ErasureSetting Evaluate(int n, int m, double failureFraction) =>
        new(n, m, failureFraction, LossProbability(n, m, failureFraction));

    /// <summary>
    /// The (n, m) with n &lt;= maxN whose loss probability at failure fraction f is at most the target, with the lowest
    /// storage overhead n / m (ties go to the smaller n: fewer fragments to place and maintain). Null when none meets it.
    /// </summary>
    public static ErasureSetting? Cheapest(double failureFraction, double targetLoss, int maxN = ErasureCodec.MaxFragments)
    {
        if (maxN is < 1 or > ErasureCodec.MaxFragments) throw new ArgumentOutOfRangeException(nameof(maxN), maxN, $"maxN must be between 1 and {ErasureCodec.MaxFragments}.");
        if (!(targetLoss > 0 && targetLoss <= 1)) throw new ArgumentOutOfRangeException(nameof(targetLoss), targetLoss, "the target loss probability must be in (0, 1].");
        Check(1, 1, failureFraction);
        int bestN = 0, bestM = 0;
        for (var n = 1; n <= maxN; n++)
        {
            // Loss grows with m, so this n's cheapest choice is the largest m that meets the target: binary search.
            int low = 0, high = n;
            while (low < high)
            {
                var mid = (low + high + 1) / 2;
                if (LossProbability(n, mid, failureFraction) <= targetLoss) low = mid;
                else high = mid - 1;
            }
            var m = low;
            // Compare n/m exactly as fractions; strictly smaller only, so the first (smallest) n wins a tie.
            if (m > 0 && (bestM == 0 || (long)n * bestM < (long)bestN * m))
            {
                bestN = n;
                bestM = m;
            }
        }
        return bestM == 0 ? null : Evaluate(bestN, bestM, failureFraction);
    }

    private static void Check(int n, int m, double failureFraction)
    {
        if (n is < 1 or > ErasureCodec.MaxFragments) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be between 1 and {ErasureCodec.MaxFragments}.");
        if (m < 1 || m > n) throw new ArgumentOutOfRangeException(nameof(m), m, $"m must be between 1 and n ({n}).");
        if (!(failureFraction >= 0 && failureFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(failureFraction), failureFraction, "the failure fraction must be in [0, 1].");
    }

    private static double[] BuildLogFactorials()
    {
        var table = new double[ErasureCodec.MaxFragments + 1];
        for (var k = 1; k < table.Length; k++) table[k] = table[k - 1] + Math.Log(k);
        return table;
    }
}
