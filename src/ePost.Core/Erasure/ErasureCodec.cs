using ePost.Core.Erasure.Kernels;

namespace ePost.Core.Erasure;

/// <summary>
/// Systematic Reed-Solomon over GF(2^8): data split into m fragments plus n - m parity fragments, any m of which
/// rebuild the data. Immutable and thread-safe; the caller keeps the original length (fragments are zero-padded).
/// </summary>
public sealed unsafe class ErasureCodec
{
    /// <summary>The largest n: a Cauchy code needs n distinct field elements besides zero's role as the data index.</summary>
    public const int MaxFragments = 255;

    private readonly GaloisMatrix _matrix;
    private readonly RegionKernel _kernel;
    private readonly KernelMatrix _parity;

    /// <summary>A codec with n fragments of which any m rebuild the data (1 &lt;= m &lt;= n &lt;= 255), on the fastest kernel this CPU has.</summary>
    public ErasureCodec(int n, int m) : this(n, m, RegionKernels.Best) { }

    /// <summary>A codec forced onto one kernel (tests prove every kernel gives the scalar kernel's bytes).</summary>
    internal ErasureCodec(int n, int m, RegionKernel kernel)
    {
        if (n is < 1 or > MaxFragments) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be between 1 and {MaxFragments}.");
        if (m < 1 || m > n) throw new ArgumentOutOfRangeException(nameof(m), m, $"m must be between 1 and n ({n}).");
        N = n;
        M = m;
        _kernel = kernel;
        _matrix = GaloisMatrix.SystematicCauchy(n, m);
        _parity = kernel.Prepare(_matrix.SelectRows(Enumerable.Range(m, n - m).ToList()));
    }

    /// <summary>Fragments per object.</summary>
    public int N { get; }

    /// <summary>Fragments needed to rebuild.</summary>
    public int M { get; }

    /// <summary>Bytes stored per byte of data, n / m.</summary>
    public double Overhead => (double)N / M;

    /// <summary>Name of the SIMD kernel in use (for benchmarks and diagnostics).</summary>
    public string KernelName => _kernel.Name;

    /// <summary>Bytes in each fragment of a <paramref name="dataLength"/>-byte object: ceil(length / m).</summary>
    public int FragmentSize(int dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        return (int)(((long)dataLength + M - 1) / M);
    }

    /// <summary>Splits the data into m zero-padded data fragments and computes the n - m parity fragments; index i is fragment i.</summary>
    public byte[][] Encode(ReadOnlySpan<byte> data)
    {
        var size = FragmentSize(data.Length);
        var fragments = new byte[N][];
        for (var i = 0; i < N; i++) fragments[i] = new byte[size];
        for (var j = 0; j < M; j++)
        {
            var from = Math.Min(data.Length, j * size);
            data.Slice(from, Math.Min(size, data.Length - from)).CopyTo(fragments[j]);
        }
        EncodeParity(fragments);
        return fragments;
    }

    /// <summary>Fills fragments m..n-1 from fragments 0..m-1 in place, without allocating (all n equally long).</summary>
    public void EncodeParity(IReadOnlyList<byte[]> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        if (fragments.Count != N) throw new ArgumentException($"expected {N} fragments, got {fragments.Count}.", nameof(fragments));
        var size = FragmentSet.CheckedLength(fragments);
        using var data = new PinnedFragments(fragments.Take(M).ToList());
        using var parity = new PinnedFragments(fragments.Skip(M).ToList());
        _kernel.Apply(_parity, data.Pointers, parity.Pointers, size);
    }

    /// <summary>Rebuilds the original bytes from any m distinct fragments (more are fine; data fragments are preferred).</summary>
    /// <exception cref="NotEnoughFragmentsException">fewer than m fragments were given.</exception>
    /// <exception cref="ArgumentException">an index is out of range, lengths differ, or they do not fit the length.</exception>
    public byte[] Decode(IReadOnlyDictionary<int, byte[]> fragments, int originalLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(originalLength);
        var data = new byte[originalLength];
        Decode(fragments, data);
        return data;
    }

    /// <summary>Rebuilds the original bytes into <paramref name="destination"/>, whose length is the original length.</summary>
    public void Decode(IReadOnlyDictionary<int, byte[]> fragments, Span<byte> destination)
    {
        var set = FragmentSet.Choose(fragments, N, M);
        var size = FragmentSize(destination.Length);
        if (set.Length != size)
            throw new ArgumentException($"fragments of {set.Length} bytes cannot hold {destination.Length} bytes split {M} ways (expected {size}).", nameof(fragments));
        // Pieces that lie wholly in the padding are not computed; at most the last computed piece is partial.
        var missing = new List<int>();
        for (var j = 0; j < M && (long)j * size < destination.Length; j++)
            if (!fragments.ContainsKey(j)) missing.Add(j);
        for (var j = 0; j < M; j++)
            if (fragments.TryGetValue(j, out var piece))
                CopyPiece(piece, destination, j, size);
        if (missing.Count == 0) return;

        // data = inverse(rows of the chosen fragments) x chosen; only the rows of the missing data pieces are computed.
        var inverse = _matrix.SelectRows(set.Indexes).Invert();
        var decode = _kernel.Prepare(inverse.SelectRows(missing));
        using var inputs = new PinnedFragments(set.Fragments);
        var outputs = stackalloc byte*[missing.Count];
        // Pieces are computed straight into the destination. Only the last may end in padding; the padding is under
        // m bytes (size = ceil(length / m)), so that tail is computed separately into a throwaway stack buffer.
        var last = missing[^1];
        var lastLength = (int)Math.Min(size, destination.Length - (long)last * size);
        var padding = size - lastLength;
        var sink = stackalloc byte[Math.Max(1, padding)];
        fixed (byte* target = destination)
        {
            for (var k = 0; k < missing.Count; k++) outputs[k] = target + (long)missing[k] * size;
            _kernel.Apply(decode, inputs.Pointers, outputs, lastLength);
            if (padding > 0)
            {
                var tails = stackalloc byte*[M];
                for (var j = 0; j < M; j++) tails[j] = inputs.Pointers[j] + lastLength;
                for (var k = 0; k < missing.Count; k++) outputs[k] += lastLength;
                outputs[missing.Count - 1] = sink;
                _kernel.Apply(decode, tails, outputs, padding);
            }
        }
    }

    /// <summary>Recomputes fragment <paramref name="index"/> from any m other fragments (what Glacier maintenance does for a lost fragment).</summary>
    public byte[] RebuildFragment(IReadOnlyDictionary<int, byte[]> fragments, int index)
    {
        if (index < 0 || index >= N) throw new ArgumentOutOfRangeException(nameof(index), index, $"fragment index must be in 0..{N - 1}.");
        ArgumentNullException.ThrowIfNull(fragments);
        // The fragment being rebuilt is never a source: whatever copy of it exists is presumed lost or damaged.
        var others = fragments.Where(f => f.Key != index).ToDictionary(f => f.Key, f => f.Value);
        var set = FragmentSet.Choose(others, N, M);
        // fragment = E[index] x data = (E[index] x inverse) x chosen.
        var row = _matrix.SelectRows([index]).Multiply(_matrix.SelectRows(set.Indexes).Invert());
        var rebuilt = new byte[set.Length];
        using var inputs = new PinnedFragments(set.Fragments);
        using var output = new PinnedFragments([rebuilt]);
        _kernel.Apply(_kernel.Prepare(row), inputs.Pointers, output.Pointers, set.Length);
        return rebuilt;
    }

    /// <summary>Decodes using only the fragments whose bytes match <paramref name="digests"/>; corrupt ones are skipped and counted.</summary>
    public byte[] Decode(IReadOnlyDictionary<int, byte[]> fragments, int originalLength, FragmentDigests digests) =>
        Decode(Intact(fragments, digests), originalLength);

    /// <summary>Rebuilds one fragment from the other fragments whose bytes match <paramref name="digests"/>.</summary>
    public byte[] RebuildFragment(IReadOnlyDictionary<int, byte[]> fragments, int index, FragmentDigests digests) =>
        RebuildFragment(Intact(fragments.Where(f => f.Key != index).ToDictionary(f => f.Key, f => f.Value), digests), index);

    private Dictionary<int, byte[]> Intact(IReadOnlyDictionary<int, byte[]> fragments, FragmentDigests digests)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Count != N) throw new ArgumentException($"the digests list {digests.Count} fragments, this code has {N}.", nameof(digests));
        var intact = fragments.Where(f => f.Value is not null && digests.Verify(f.Key, f.Value)).ToDictionary(f => f.Key, f => f.Value);
        var rejected = fragments.Count - intact.Count;
        if (intact.Count < M) throw new NotEnoughFragmentsException(intact.Count, M, rejected);
        return intact;
    }

    private static void CopyPiece(byte[] piece, Span<byte> destination, int index, int size)
    {
        var from = (long)index * size;
        if (from >= destination.Length) return;
        piece.AsSpan(0, (int)Math.Min(size, destination.Length - from)).CopyTo(destination[(int)from..]);
    }
}
