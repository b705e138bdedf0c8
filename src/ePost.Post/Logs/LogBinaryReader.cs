using System.Buffers.Binary;
using System.Text;

namespace ePost.Post.Logs;

/// <summary>Reads the big-endian primitives of the log record format; every shortfall or bad value is a <see cref="LogFormatException"/>.</summary>
internal ref struct LogBinaryReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public LogBinaryReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public byte Byte() => Take(1, "a byte")[0];

    public bool Bool(string what) => Byte() switch
    {
        0 => false,
        1 => true,
        var other => throw new LogFormatException($"The {what} flag is {other}; only 0 and 1 are allowed."),
    };

    public uint UInt32(string what) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, what));

    public ulong UInt64(string what) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, what));

    public long Int64(string what) => BinaryPrimitives.ReadInt64BigEndian(Take(8, what));

    public byte[] Bytes(int count, string what) => Take(count, what).ToArray();

    public byte[]? OptionalId(string what) => Bool(what) ? Bytes(LogLimits.BlockIdLength, what) : null;

    public string Name(string what)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(Take(2, what));
        if (length == 0)
            throw new LogFormatException($"A {what} may not be empty.");
        if (length > LogLimits.MaxNameBytes)
            throw new LogFormatException($"A {what} is {length} bytes; at most {LogLimits.MaxNameBytes} are allowed.");
        var bytes = Take(length, what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new LogFormatException($"A {what} is not valid UTF-8.", e);
        }
    }

    /// <summary>A list count, checked against <paramref name="max"/> and against the bytes left (each item needs at least
    /// <paramref name="minItemBytes"/>), so a forged count cannot make the decoder allocate more than the record's size.</summary>
    public int Count(int max, int minItemBytes, string what)
    {
        var count = UInt32($"the number of {what}");
        if (count > max)
            throw new LogFormatException($"A record may hold at most {max} {what}, not {count}.");
        if ((long)count * minItemBytes > Remaining)
            throw new LogFormatException($"The record claims {count} {what} but has only {Remaining} bytes left.");
        return (int)count;
    }

    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
            throw new LogFormatException($"The record has {Remaining} unexpected bytes after its end.");
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining)
            throw new LogFormatException($"The record is truncated: {what} needs {count} bytes, {Remaining} are left.");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
