using System.Runtime.Intrinsics;

namespace ePost.Core.Erasure.Kernels;

/// <summary>Split-nibble kernel on portable 128-bit vectors: pshufb on SSSE3, tbl on ARM Neon.</summary>
internal sealed unsafe class Vector128Kernel : NibbleKernel
{
    public override string Name => "vector128";
    public override bool IsSupported => Vector128.IsHardwareAccelerated;
    protected override int VectorBytes => 16;

    // Nibble indexes are always 0..15, so the native shuffle (no out-of-range fix-up) gives the same bytes everywhere.
    private static Vector128<byte> Lookup(byte* table, Vector128<byte> index) => Vector128.ShuffleNative(Vector128.Load(table), index);

    protected override void Rows4(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var mask = Vector128.Create((byte)0x0F);
        var t0 = tables + row * cols * 32;
        var t1 = t0 + cols * 32;
        var t2 = t1 + cols * 32;
        var t3 = t2 + cols * 32;
        for (var off = start; off < end; off += 16)
        {
            Vector128<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Vector128.Load(inputs[j] + off);
                var lo = x & mask;
                var hi = Vector128.ShiftRightLogical(x, 4);
                var o = j * 32;
                a0 ^= Lookup(t0 + o, lo) ^ Lookup(t0 + o + 16, hi);
                a1 ^= Lookup(t1 + o, lo) ^ Lookup(t1 + o + 16, hi);
                a2 ^= Lookup(t2 + o, lo) ^ Lookup(t2 + o + 16, hi);
                a3 ^= Lookup(t3 + o, lo) ^ Lookup(t3 + o + 16, hi);
            }
            a0.Store(outputs[row] + off);
            a1.Store(outputs[row + 1] + off);
            a2.Store(outputs[row + 2] + off);
            a3.Store(outputs[row + 3] + off);
        }
    }

    protected override void Rows1(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var mask = Vector128.Create((byte)0x0F);
        var t0 = tables + row * cols * 32;
        for (var off = start; off < end; off += 16)
        {
            Vector128<byte> a0 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Vector128.Load(inputs[j] + off);
                a0 ^= Lookup(t0 + j * 32, x & mask) ^ Lookup(t0 + j * 32 + 16, Vector128.ShiftRightLogical(x, 4));
            }
            a0.Store(outputs[row] + off);
        }
    }
}
