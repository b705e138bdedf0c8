using ePost.Storage.Glacier;

namespace ePost.Storage.Tests.Glacier;

/// <summary>What a holder accepts from the wire: each class of bad transfer is refused with a reason.</summary>
public class FragmentTransferTests
{
    private static byte[] Valid(out byte[][] fragments, out FragmentManifest manifest)
    {
        (_, fragments, manifest) = GlacierFixtures.Encoded();
        return new FragmentTransfer(FragmentTransferKind.Store, manifest.At(fragments, 2), 2, fragments[2]).Encode();
    }

    [Fact]
    public void A_well_formed_transfer_decodes_to_its_manifest_and_fragment()
    {
        var transfer = FragmentTransfer.TryDecode(Valid(out var fragments, out var manifest), out var problem);
        Assert.Null(problem);
        Assert.NotNull(transfer);
        Assert.Equal((FragmentTransferKind.Store, 2), (transfer.Kind, transfer.Index));
        Assert.Equal(fragments[2], transfer.Data);
        Assert.Equal(manifest.ContainerId, transfer.Manifest.ContainerId);
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> Damage => new()
    {
        { "shorter than its header", b => b[..3], "header" },
        { "an unknown kind", b => { b[0] = 9; return b; }, "kind" },
        { "a manifest longer than the transfer", b => { b[2] = 0xFF; b[3] = 0xFF; return b; }, "manifest runs past" },
        { "a manifest with a bad signature", b => { b[4 + FragmentManifest.SignedLength + 1] ^= 1; return b; }, "signature" },
        { "fragment bytes that do not match", b => { b[^1] ^= 1; return b; }, "does not match" },
        { "another fragment's index", b => { b[1] = 3; return b; }, "does not match" },
        { "an index beyond n", b => { b[1] = 200; return b; }, "does not match" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void A_bad_transfer_is_refused_with_its_reason(string what, Func<byte[], byte[]> damage, string reason)
    {
        var bytes = damage(Valid(out _, out _));
        Assert.Null(FragmentTransfer.TryDecode(bytes, out var problem));
        Assert.True(problem?.Contains(reason) == true, $"{what}: {problem}");
    }
}
