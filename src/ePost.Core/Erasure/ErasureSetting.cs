namespace ePost.Core.Erasure;

/// <summary>One (n, m) choice with what it costs and how safe it is at a given node failure fraction.</summary>
/// <param name="N">Fragments stored per object.</param>
/// <param name="M">Fragments needed to rebuild it.</param>
/// <param name="FailureFraction">The fraction of nodes assumed failed, each independently.</param>
/// <param name="LossProbability">Probability that fewer than m fragments survive.</param>
public sealed record ErasureSetting(int N, int M, double FailureFraction, double LossProbability)
{
    /// <summary>Bytes stored per byte of data, n / m.</summary>
    public double Overhead => (double)N / M;
}
