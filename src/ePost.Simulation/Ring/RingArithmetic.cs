using System.Numerics;
using ePost.Core.Ids;

namespace ePost.Simulation.Ring;

/// <summary>Ring-id arithmetic the ground truth needs and <see cref="RingId"/> does not offer: halving and drawing inside an arc.</summary>
internal static class RingArithmetic
{
    private static readonly BigInteger Modulus = BigInteger.One << RingId.Bits;

    /// <summary>Half a ring distance, rounded down.</summary>
    public static RingId Half(RingId distance) => FromBig(ToBig(distance) >> 1);

    /// <summary>
    /// A uniformly drawn id strictly less than <paramref name="counterHalf"/> counter-clockwise and strictly less than
    /// <paramref name="clockwiseHalf"/> clockwise of <paramref name="center"/> (the center itself when the arc is empty).
    /// </summary>
    public static RingId RandomInArc(RingId center, RingId counterHalf, RingId clockwiseHalf, Random random)
    {
        var below = BigInteger.Max(BigInteger.Zero, ToBig(counterHalf) - 1);
        var above = BigInteger.Max(BigInteger.Zero, ToBig(clockwiseHalf) - 1);
        var span = below + above + 1;
        var bytes = new byte[32];
        random.NextBytes(bytes);
        var draw = new BigInteger(bytes, isUnsigned: true) % span;
        return FromBig(((ToBig(center) - below + draw) % Modulus + Modulus) % Modulus);
    }

    private static BigInteger ToBig(RingId id) => new(id.ToBytes(), isUnsigned: true, isBigEndian: true);

    private static RingId FromBig(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[RingId.ByteLength];
        bytes.CopyTo(padded, RingId.ByteLength - bytes.Length);
        return RingId.FromBytes(padded);
    }
}
