using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace ePost.Storage.Wire;

/// <summary>
/// The name of one request between nodes: 128 random bits from <see cref="RandomNumberGenerator"/>, so a peer that
/// did not see the request cannot guess it (sequential operation numbers let any node forge the answer to the next
/// one). A reply counts only while its request id is outstanding, and only from the peer that was asked.
/// </summary>
/// <param name="High">The first 64 bits.</param>
/// <param name="Low">The last 64 bits.</param>
[JsonConverter(typeof(RequestIdJsonConverter))]
public readonly record struct RequestId(ulong High, ulong Low)
{
    /// <summary>Length of the hex form.</summary>
    public const int HexLength = 32;

    /// <summary>A fresh random id.</summary>
    public static RequestId New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new RequestId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Parses the 32 hex digits of <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out RequestId id)
    {
        id = default;
        if (text is null || text.Length != HexLength) return false;
        if (!ulong.TryParse(text.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !ulong.TryParse(text.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
            return false;
        id = new RequestId(high, low);
        return true;
    }

    /// <summary>The 32 lower-case hex digits.</summary>
    public override string ToString() => $"{High:x16}{Low:x16}";
}
