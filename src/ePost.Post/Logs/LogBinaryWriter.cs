using System.Buffers.Binary;
using System.Text;

namespace ePost.Post.Logs;

/// <summary>Appends the big-endian primitives of the log record format, refusing to grow past <see cref="LogLimits.MaxRecordBytes"/>.</summary>
internal sealed class LogBinaryWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private byte[] _buffer = new byte[256];
    private int _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Byte(byte value) => Take(1)[0] = value;

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    public void Int64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    /// <summary>An optional fixed-length id: a presence byte, then the bytes.</summary>
    public void OptionalId(byte[]? id)
    {
        Bool(id is not null);
        if (id is not null)
            Bytes(id);
    }

    /// <summary>A bounded name: its UTF-8 length (u16), then the bytes; empty names and lone surrogates are refused.</summary>
    public void Name(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (value.Length == 0)
            throw new LogFormatException($"A {what} may not be empty.");
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new LogFormatException($"A {what} is not valid Unicode.", e);
        }
        if (length > LogLimits.MaxNameBytes)
            throw new LogFormatException($"A {what} is {length} bytes of UTF-8; at most {LogLimits.MaxNameBytes} are allowed.");
        BinaryPrimitives.WriteUInt16BigEndian(Take(2), (ushort)length);
        StrictUtf8.GetBytes(value, Take(length));
    }

    /// <summary>A list count (u32), checked against <paramref name="max"/>.</summary>
    public void Count(int count, int max, string what)
    {
        if (count > max)
            throw new LogFormatException($"A record may hold at most {max} {what}, not {count}.");
        UInt32((uint)count);
    }

    private Span<byte> Take(int count)
    {
        if (_length + count > LogLimits.MaxRecordBytes)
            throw new LogFormatException($"The record would exceed {LogLimits.MaxRecordBytes} bytes.");
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Min(LogLimits.MaxRecordBytes, Math.Max(_buffer.Length * 2, _length + count)));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
