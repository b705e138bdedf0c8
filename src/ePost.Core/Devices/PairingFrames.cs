using System.Buffers.Binary;

namespace ePost.Core.Devices;

/// <summary>The length-prefixed fields pairing messages are made of (u16 lengths, big-endian); bounded, strict, no trailing bytes.</summary>
internal static class PairingFrames
{
    public static byte[] Join(params byte[][] fields)
    {
        var bytes = new byte[fields.Sum(f => 2 + f.Length)];
        var at = 0;
        foreach (var field in fields)
        {
            if (field.Length > ushort.MaxValue) throw new ArgumentException("A pairing field is at most 65535 bytes.", nameof(fields));
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), (ushort)field.Length);
            field.CopyTo(bytes.AsSpan(at + 2));
            at += 2 + field.Length;
        }
        return bytes;
    }

    /// <summary>Exactly <paramref name="count"/> fields, or a <see cref="PairingException"/> naming <paramref name="what"/>.</summary>
    public static byte[][] Split(ReadOnlySpan<byte> bytes, int count, string what)
    {
        var fields = new byte[count][];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (bytes.Length - at < 2) throw new PairingException($"The {what} is truncated.");
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[at..]);
            if (bytes.Length - at - 2 < length) throw new PairingException($"The {what} is truncated.");
            fields[i] = bytes.Slice(at + 2, length).ToArray();
            at += 2 + length;
        }
        if (at != bytes.Length) throw new PairingException($"The {what} has {bytes.Length - at} bytes too many.");
        return fields;
    }
}
