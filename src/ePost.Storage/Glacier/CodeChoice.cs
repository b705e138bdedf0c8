using ePost.Core.Erasure;

namespace ePost.Storage.Glacier;

/// <summary>
/// Chooses Glacier's (n, m) by what it really stores: n / m bytes of fragments per byte of container plus one signed
/// manifest with every fragment, whose digest list grows with n, so a very large n stops paying off.
/// </summary>
public static class CodeChoice
{
    /// <summary>Bytes stored per byte of a <paramref name="containerBytes"/>-byte container under (n, m), manifests included.</summary>
    public static double StoredPerByte(int n, int m, long containerBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(containerBytes, 1);
        return (double)n / m + (double)n * FragmentManifest.EncodedLengthFor(n) / containerBytes;
    }

    /// <summary>
    /// The (n, m) with n &lt;= <paramref name="maxN"/> whose loss probability at <paramref name="failureFraction"/> is at
    /// most <paramref name="targetLoss"/> and that stores the fewest bytes per container byte for containers of
    /// <paramref name="containerBytes"/>; null when none meets the target.
    /// </summary>
    public static ErasureSetting? Cheapest(double failureFraction, double targetLoss, int maxN, long containerBytes)
    {
        ErasureSetting? best = null;
        var bestCost = double.MaxValue;
        for (var n = 1; n <= maxN; n++)
        {
            // Loss grows with m: this n's best choice is the largest m meeting the target.
            int low = 0, high = n;
            while (low < high)
            {
                var mid = (low + high + 1) / 2;
                if (DurabilityCalculator.LossProbability(n, mid, failureFraction) <= targetLoss) low = mid;
                else high = mid - 1;
            }
            if (low == 0) continue;
            var cost = StoredPerByte(n, low, containerBytes);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = DurabilityCalculator.Evaluate(n, low, failureFraction);
            }
        }
        return best;
    }
}
