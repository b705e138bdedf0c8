using System.Buffers.Binary;
using System.Text;

namespace ePost.Post.Binary;

/// <summary>Writes the big-endian, length-prefixed fields of POST's small binary records.</summary>
internal sealed class FieldWriter
{
    private readonly MemoryStream _bytes = new();

    public FieldWriter Raw(ReadOnlySpan<byte> value)
    {
        _bytes.Write(value);
        return this;
    }

    public FieldWriter Byte(byte value)
    {
        _bytes.WriteByte(value);
        return this;
    }

    public FieldWriter Int64(long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        return Raw(buffer);
    }

    public FieldWriter UInt32(uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        return Raw(buffer);
    }

    /// <summary>A u32 length, then the bytes.</summary>
    public FieldWriter Bytes(ReadOnlySpan<byte> value) => UInt32((uint)value.Length).Raw(value);

    /// <summary>UTF-8 with a u32 length.</summary>
    public FieldWriter Text(string value) => Bytes(System.Text.Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _bytes.ToArray();
}

/// <summary>Reads what <see cref="FieldWriter"/> wrote; every read is bounded by what remains, so hostile input fails fast with <see cref="FormatException"/>.</summary>
internal ref struct FieldReader(ReadOnlySpan<byte> bytes, string what)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _at;

    public readonly int Remaining => _bytes.Length - _at;

    public ReadOnlySpan<byte> Raw(int length)
    {
        if (length < 0 || length > Remaining) throw new FormatException($"The {what} is truncated.");
        var slice = _bytes.Slice(_at, length);
        _at += length;
        return slice;
    }

    public byte Byte() => Raw(1)[0];

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Raw(8));

    public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Raw(4));

    public byte[] Bytes(int maxLength)
    {
        var length = UInt32();
        if (length > (uint)maxLength) throw new FormatException($"A field of the {what} claims {length} bytes, over its limit of {maxLength}.");
        return Raw((int)length).ToArray();
    }

    public string Text(int maxBytes)
    {
        try
        {
            return StrictUtf8.GetString(Bytes(maxBytes));
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"A text field of the {what} is not valid UTF-8.");
        }
    }

    public readonly void End()
    {
        if (Remaining != 0) throw new FormatException($"{Remaining} bytes follow the end of the {what}.");
    }
}
