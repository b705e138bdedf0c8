using ePost.Core.Ids;

namespace ePost.Overlay.Tests.Support;

/// <summary>Readable ids for specifications: an id is written as its leading hex digits, the rest zeros.</summary>
internal static class Ids
{
    /// <summary>The id whose hex form starts with <paramref name="leadingHex"/> and continues with zeros.</summary>
    public static RingId Id(string leadingHex) => RingId.Parse(leadingHex.PadRight(RingId.HexLength, '0'));

    /// <summary>A handle at the fake network address <c>fake:&lt;leadingHex&gt;</c>.</summary>
    public static NodeHandle Handle(string leadingHex, long epoch = 1) => new(Id(leadingHex), "fake:" + leadingHex, epoch);

    /// <summary>A handle with an arbitrary id at an address derived from it.</summary>
    public static NodeHandle Handle(RingId id, long epoch = 1) => new(id, "fake:" + id, epoch);

    /// <summary><paramref name="count"/> distinct random ids from a seeded source.</summary>
    public static RingId[] RandomIds(int count, int seed)
    {
        var random = new Random(seed);
        var ids = new HashSet<RingId>();
        while (ids.Count < count) ids.Add(RingId.Random(random));
        return ids.ToArray();
    }
}
