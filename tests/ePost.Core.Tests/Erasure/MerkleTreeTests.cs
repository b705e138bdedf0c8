using ePost.Core.Erasure;

namespace ePost.Core.Tests.Erasure;

/// <summary>The Merkle tree that names a container's fragments with one root.</summary>
public sealed class MerkleTreeTests
{
    private static byte[][] Leaves(int n, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var leaf = new byte[37];
            random.NextBytes(leaf);
            return leaf;
        }).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(48)]
    [InlineData(251)]
    [InlineData(255)]
    public void Every_leaf_proves_its_place_with_a_path_no_longer_than_the_trees_depth(int n)
    {
        var leaves = Leaves(n);
        var (root, paths) = MerkleTree.Build(leaves);
        for (var i = 0; i < n; i++)
        {
            Assert.True(MerkleTree.Verify(root, n, i, leaves[i], paths[i]), $"leaf {i} of {n}");
            Assert.True(paths[i].Length <= MerkleTree.MaxPathLength(n));
        }
        Assert.Equal(n == 1 ? 0 : (int)Math.Ceiling(Math.Log2(n)), MerkleTree.MaxPathLength(n));
    }

    [Fact]
    public void A_leaf_does_not_verify_at_another_index_with_other_bytes_or_a_tampered_path()
    {
        var leaves = Leaves(13);
        var (root, paths) = MerkleTree.Build(leaves);
        Assert.False(MerkleTree.Verify(root, 13, 4, leaves[5], paths[4]));
        Assert.False(MerkleTree.Verify(root, 13, 5, leaves[4], paths[4]));
        var tampered = paths[4].Select(h => (byte[])h.Clone()).ToArray();
        tampered[1][0] ^= 1;
        Assert.False(MerkleTree.Verify(root, 13, 4, leaves[4], tampered));
        Assert.False(MerkleTree.Verify(root, 13, 4, leaves[4], paths[4].Take(2).ToArray()));
        Assert.False(MerkleTree.Verify(root, 13, 4, leaves[4], [.. paths[4], new byte[32]]));
        Assert.False(MerkleTree.Verify(root, 13, 13, leaves[4], paths[4]));
    }

    [Fact]
    public void The_last_node_of_an_odd_level_is_promoted_not_duplicated_so_a_repeated_leaf_changes_the_root()
    {
        var three = Leaves(3);
        var four = new[] { three[0], three[1], three[2], three[2] };
        Assert.NotEqual(MerkleTree.Build(three).Root, MerkleTree.Build(four).Root);
    }

    [Fact]
    public void An_inner_node_cannot_pass_for_a_leaf()
    {
        var leaves = Leaves(4);
        var (root, paths) = MerkleTree.Build(leaves);
        // The children of the left subtree presented as one leaf of a two-leaf tree, with the right subtree as its
        // path: without the leaf and node prefixes this would hash to the same root.
        byte[] children = [.. MerkleTree.Leaf(leaves[0]), .. MerkleTree.Leaf(leaves[1])];
        Assert.False(MerkleTree.Verify(root, 2, 0, children, [paths[0][1]]));
    }
}
