using System.Security.Cryptography;
using ePost.Core.Hashing;

namespace ePost.Core.Erasure;

/// <summary>
/// A binary SHA-256 Merkle tree over a container's fragments, so a signed manifest names all of them with one
/// 32-byte root and each fragment proves its place with a path of at most ceil(log2 n) hashes.
/// </summary>
/// <remarks>
/// Leaf = SHA-256(0x00 ‖ fragment), inner node = SHA-256(0x01 ‖ left ‖ right) (the prefixes keep a leaf from ever
/// passing for an inner node, RFC 6962's defence against second preimages). A level of odd width promotes its last
/// node unchanged rather than pairing it with itself, so no two different leaf lists share a root (the duplication
/// flaw of CVE-2012-2459). The shape depends only on n, so a path is checked knowing n and the leaf's index alone.
/// </remarks>
public static class MerkleTree
{
    /// <summary>Hashes in the longest path of a tree over <paramref name="n"/> leaves.</summary>
    public static int MaxPathLength(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var depth = 0;
        for (var width = n; width > 1; width = (width + 1) / 2) depth++;
        return depth;
    }

    /// <summary>The leaf hash of one fragment.</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> fragment)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(fragment);
        return hash.GetHashAndReset();
    }

    private static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> both = stackalloc byte[1 + 2 * Sha256.Length];
        both[0] = 0x01;
        left.CopyTo(both[1..]);
        right.CopyTo(both[(1 + Sha256.Length)..]);
        return SHA256.HashData(both);
    }

    /// <summary>The root and every leaf's path over <paramref name="fragments"/> (at least one).</summary>
    public static (byte[] Root, byte[][][] Paths) Build(IReadOnlyList<byte[]> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        if (fragments.Count < 1) throw new ArgumentException("a tree needs at least one leaf.", nameof(fragments));
        var level = fragments.Select(f => Leaf(f ?? throw new ArgumentException("a fragment is null.", nameof(fragments)))).ToList();
        var paths = Enumerable.Range(0, fragments.Count).Select(_ => new List<byte[]>()).ToArray();
        // Where each leaf's ancestor sits in the current level.
        var position = Enumerable.Range(0, fragments.Count).ToArray();
        while (level.Count > 1)
        {
            for (var leaf = 0; leaf < position.Length; leaf++)
            {
                var sibling = position[leaf] ^ 1;
                if (sibling < level.Count) paths[leaf].Add(level[sibling]);
                position[leaf] >>= 1;
            }
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2) next.Add(i + 1 < level.Count ? Node(level[i], level[i + 1]) : level[i]);
            level = next;
        }
        return (level[0], paths.Select(p => p.ToArray()).ToArray());
    }

    /// <summary>The root a fragment and its path lead to, or null when the path has the wrong shape for (n, index).</summary>
    public static byte[]? RootOf(int n, int index, ReadOnlySpan<byte> fragment, IReadOnlyList<byte[]> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (n < 1 || index < 0 || index >= n) return null;
        var current = Leaf(fragment);
        var used = 0;
        for (var width = n; width > 1; width = (width + 1) / 2, index >>= 1)
        {
            var sibling = index ^ 1;
            if (sibling >= width) continue; // promoted unchanged
            if (used >= path.Count || path[used] is not { Length: Sha256.Length } hash) return null;
            current = (index & 1) == 0 ? Node(current, hash) : Node(hash, current);
            used++;
        }
        return used == path.Count ? current : null;
    }

    /// <summary>True when the fragment at <paramref name="index"/> of <paramref name="n"/> leads to <paramref name="root"/> by <paramref name="path"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> root, int n, int index, ReadOnlySpan<byte> fragment, IReadOnlyList<byte[]> path) =>
        RootOf(n, index, fragment, path) is { } computed && CryptographicOperations.FixedTimeEquals(computed, root);
}
