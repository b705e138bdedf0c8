using System.Buffers.Binary;

namespace ePost.Storage.Glacier;

/// <summary>What a fragment transfer asks of its receiver.</summary>
public enum FragmentTransferKind : byte
{
    /// <summary>Store this fragment (an archive or a rebuild) and answer with <see cref="FragmentStored"/>.</summary>
    Store = 1,

    /// <summary>The answer to a fetch (<see cref="FragmentQuery"/> with Fetch).</summary>
    Fetched = 2,
}

/// <summary>A fragment with the signed manifest that vouches for it, as it travels inside <see cref="FragmentChunk"/>s.</summary>
/// <remarks><code>u8 kind | u8 index | u16 manifest length | manifest | fragment bytes</code></remarks>
public sealed record FragmentTransfer(FragmentTransferKind Kind, FragmentManifest Manifest, int Index, byte[] Data)
{
    /// <summary>The encoding carried by the chunks.</summary>
    public byte[] Encode()
    {
        var manifest = Manifest.Encode();
        var bytes = new byte[4 + manifest.Length + Data.Length];
        bytes[0] = (byte)Kind;
        bytes[1] = (byte)Index;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)manifest.Length);
        manifest.CopyTo(bytes, 4);
        Data.CopyTo(bytes, 4 + manifest.Length);
        return bytes;
    }

    /// <summary>Decodes and checks a transfer: a well-formed kind, a validly signed manifest, and bytes that match fragment Index of it.</summary>
    public static FragmentTransfer? TryDecode(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length < 4) return Fail("a fragment transfer is shorter than its header", out problem);
        var kind = (FragmentTransferKind)bytes[0];
        if (!Enum.IsDefined(kind)) return Fail($"unknown fragment transfer kind {bytes[0]}", out problem);
        var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        if (length > bytes.Length - 4) return Fail("the manifest runs past the transfer", out problem);
        var manifest = FragmentManifest.TryDecode(bytes.Slice(4, length), out problem);
        if (manifest is null) return null;
        var data = bytes[(4 + length)..];
        if (!manifest.Verifies(bytes[1], data)) return Fail($"fragment {bytes[1]} does not match its manifest's hash", out problem);
        return new FragmentTransfer(kind, manifest, bytes[1], data.ToArray());
    }

    private static FragmentTransfer? Fail(string message, out string? problem)
    {
        problem = message;
        return null;
    }
}
