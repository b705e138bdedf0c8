namespace ePost.Core.Erasure.Kernels;

/// <summary>
/// Base of the split-nibble kernels (ISA-L's <c>vpshufb</c> technique): c * x = lo[x &amp; 15] ^ hi[x &gt;&gt; 4], with the
/// two 16-entry tables of one coefficient held in a byte shuffle register.
/// </summary>
internal abstract class NibbleKernel : VectorKernel
{
    /// <summary>16 bytes of c * t for the low nibble t, then 16 bytes of c * (t &lt;&lt; 4) for the high nibble.</summary>
    protected sealed override int TableBytesPerCoefficient => 32;

    protected sealed override void FillTable(byte coefficient, Span<byte> table)
    {
        for (var t = 0; t < 16; t++)
        {
            table[t] = GaloisField.Multiply(coefficient, (byte)t);
            table[16 + t] = GaloisField.Multiply(coefficient, (byte)(t << 4));
        }
    }
}

/// <summary>
/// Base of the GFNI kernels: multiplication by a constant is linear over GF(2), so it is an 8 x 8 bit matrix that
/// <c>vgf2p8affineqb</c> applies to every byte in one instruction. (<c>vgf2p8mulb</c> is no use here: it is fixed to
/// the AES polynomial 0x11B, and we use 0x11D.)
/// </summary>
internal abstract class AffineKernel : VectorKernel
{
    protected sealed override int TableBytesPerCoefficient => 8;

    /// <summary>The instruction takes output bit i from the parity of (matrix byte 7 - i) AND x.</summary>
    protected sealed override void FillTable(byte coefficient, Span<byte> table)
    {
        for (var i = 0; i < 8; i++)
        {
            byte row = 0;
            for (var j = 0; j < 8; j++)
                if ((GaloisField.Multiply(coefficient, (byte)(1 << j)) >> i & 1) != 0) row |= (byte)(1 << j);
            table[7 - i] = row;
        }
    }
}
