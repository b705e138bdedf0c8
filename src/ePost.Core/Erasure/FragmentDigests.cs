using ePost.Core.Hashing;

namespace ePost.Core.Erasure;

/// <summary>
/// The SHA-256 of every fragment of one object, so a damaged or forged fragment is recognised before it poisons a
/// decode. The storage layer signs these digests into the object's manifest.
/// </summary>
public sealed class FragmentDigests
{
    private readonly byte[][] _digests;

    /// <summary>Wraps digests already known (for example read from a manifest); one 32-byte digest per fragment index.</summary>
    public FragmentDigests(IReadOnlyList<byte[]> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Count is < 1 or > ErasureCodec.MaxFragments)
            throw new ArgumentException($"need between 1 and {ErasureCodec.MaxFragments} digests, got {digests.Count}.", nameof(digests));
        _digests = new byte[digests.Count][];
        for (var i = 0; i < digests.Count; i++)
        {
            if (digests[i] is not { Length: Sha256.Length })
                throw new ArgumentException($"digest {i} must be {Sha256.Length} bytes.", nameof(digests));
            _digests[i] = (byte[])digests[i].Clone();
        }
    }

    /// <summary>Hashes every fragment of a freshly encoded object.</summary>
    public static FragmentDigests Compute(IReadOnlyList<byte[]> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        return new FragmentDigests(fragments.Select(f => Sha256.Hash(f ?? throw new ArgumentException("a fragment is null.", nameof(fragments)))).ToList());
    }

    /// <summary>Number of fragments described.</summary>
    public int Count => _digests.Length;

    /// <summary>The digest of fragment <paramref name="index"/> (a copy).</summary>
    public byte[] this[int index] => (byte[])Digest(index).Clone();

    /// <summary>True when the bytes are exactly fragment <paramref name="index"/> as encoded.</summary>
    public bool Verify(int index, ReadOnlySpan<byte> fragment) => Sha256.Matches(fragment, Digest(index));

    private byte[] Digest(int index) =>
        index >= 0 && index < _digests.Length
            ? _digests[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"fragment index must be in 0..{_digests.Length - 1}.");
}
