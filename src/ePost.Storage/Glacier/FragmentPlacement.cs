using ePost.Core.Ids;

namespace ePost.Storage.Glacier;

/// <summary>Where the fragments of a container live: n points spread evenly around the ring from its id.</summary>
/// <remarks>
/// Fragment i sits at id + i * 2^160 / n, so the n fragments land on n different stretches of the ring and a
/// failure that takes out one stretch (a site, an address block) costs only the fragments placed there. The id is
/// already a SHA-256 output, so it needs no further hashing to be uniform.
/// </remarks>
public static class FragmentPlacement
{
    /// <summary>The ring position of fragment <paramref name="index"/> of <paramref name="containerId"/> cut into <paramref name="n"/>.</summary>
    public static RingId Position(RingId containerId, int index, int n)
    {
        if (index < 0 || index >= n) throw new ArgumentOutOfRangeException(nameof(index), index, $"fragment index must be in 0..{n - 1}.");
        return containerId + RingId.FromFraction(index, n);
    }
}
