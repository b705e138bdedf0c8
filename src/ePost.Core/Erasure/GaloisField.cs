namespace ePost.Core.Erasure;

/// <summary>Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field ISA-L and most Reed-Solomon codes use.</summary>
public static class GaloisField
{
    /// <summary>The reducing polynomial, including the x^8 term.</summary>
    public const int Polynomial = 0x11D;

    // Exp is doubled (510 entries) so Log[a] + Log[b] indexes it without a modulo.
    private static readonly byte[] ExpTable = new byte[510];
    private static readonly byte[] LogTable = new byte[256];
    private static readonly byte[] InverseTable = new byte[256];

    /// <summary>The full 256 x 256 product table, row-major: <c>MultiplyTable[a * 256 + b] = a * b</c>. Row a is the lookup the scalar kernel uses for a constant a.</summary>
    internal static readonly byte[] MultiplyTable = new byte[256 * 256];

    static GaloisField()
    {
        // 2 generates the multiplicative group for 0x11D, so its powers enumerate every nonzero element once.
        var x = 1;
        for (var i = 0; i < 255; i++)
        {
            ExpTable[i] = (byte)x;
            ExpTable[i + 255] = (byte)x;
            LogTable[x] = (byte)i;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= Polynomial;
        }
        for (var a = 1; a < 256; a++)
        {
            InverseTable[a] = ExpTable[255 - LogTable[a]];
            for (var b = 1; b < 256; b++)
                MultiplyTable[(a << 8) | b] = ExpTable[LogTable[a] + LogTable[b]];
        }
    }

    /// <summary>a + b (and a - b): bitwise XOR.</summary>
    public static byte Add(byte a, byte b) => (byte)(a ^ b);

    /// <summary>a * b.</summary>
    public static byte Multiply(byte a, byte b) => MultiplyTable[(a << 8) | b];

    /// <summary>The multiplicative inverse of a nonzero element.</summary>
    public static byte Inverse(byte a) =>
        a == 0 ? throw new DivideByZeroException("0 has no inverse in GF(2^8).") : InverseTable[a];

    /// <summary>a / b for nonzero b.</summary>
    public static byte Divide(byte a, byte b) => Multiply(a, Inverse(b));

    /// <summary>2 raised to the power e (the generator's powers), e taken modulo 255.</summary>
    public static byte Exp(int e) => ExpTable[((e % 255) + 255) % 255];

    /// <summary>The discrete logarithm base 2 of a nonzero element, in 0..254.</summary>
    public static int Log(byte a) =>
        a == 0 ? throw new ArgumentOutOfRangeException(nameof(a), "log 0 is undefined.") : LogTable[a];
}
