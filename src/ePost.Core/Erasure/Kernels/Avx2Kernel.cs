using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ePost.Core.Erasure.Kernels;

/// <summary>Split-nibble kernel on 256-bit AVX2 vectors.</summary>
internal sealed unsafe class Avx2Kernel : NibbleKernel
{
    public override string Name => "avx2";
    public override bool IsSupported => Avx2.IsSupported;
    protected override int VectorBytes => 32;

    protected override void Rows4(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var mask = Vector256.Create((byte)0x0F);
        var t0 = tables + row * cols * 32;
        var t1 = t0 + cols * 32;
        var t2 = t1 + cols * 32;
        var t3 = t2 + cols * 32;
        for (var off = start; off < end; off += 32)
        {
            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Avx.LoadVector256(inputs[j] + off);
                var lo = Avx2.And(x, mask);
                var hi = Avx2.And(Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte(), mask);
                var o = j * 32;
                a0 ^= Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t0 + o), lo) ^ Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t0 + o + 16), hi);
                a1 ^= Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t1 + o), lo) ^ Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t1 + o + 16), hi);
                a2 ^= Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t2 + o), lo) ^ Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t2 + o + 16), hi);
                a3 ^= Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t3 + o), lo) ^ Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t3 + o + 16), hi);
            }
            Avx.Store(outputs[row] + off, a0);
            Avx.Store(outputs[row + 1] + off, a1);
            Avx.Store(outputs[row + 2] + off, a2);
            Avx.Store(outputs[row + 3] + off, a3);
        }
    }

    protected override void Rows1(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var mask = Vector256.Create((byte)0x0F);
        var t0 = tables + row * cols * 32;
        for (var off = start; off < end; off += 32)
        {
            Vector256<byte> a0 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Avx.LoadVector256(inputs[j] + off);
                var lo = Avx2.And(x, mask);
                var hi = Avx2.And(Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte(), mask);
                a0 ^= Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t0 + j * 32), lo) ^ Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t0 + j * 32 + 16), hi);
            }
            Avx.Store(outputs[row] + off, a0);
        }
    }
}
