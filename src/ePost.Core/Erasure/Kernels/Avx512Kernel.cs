using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ePost.Core.Erasure.Kernels;

/// <summary>Split-nibble kernel on 512-bit AVX-512BW vectors; the two lookups and the accumulate fold into one ternary XOR.</summary>
internal sealed unsafe class Avx512Kernel : NibbleKernel
{
    private const byte Xor3 = 0x96;

    public override string Name => "avx512bw";
    public override bool IsSupported => Avx512BW.IsSupported;
    protected override int VectorBytes => 64;

    private static Vector512<byte> Table(byte* address) => Avx512F.BroadcastVector128ToVector512((uint*)address).AsByte();

    protected override void Rows4(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var mask = Vector512.Create((byte)0x0F);
        var t0 = tables + row * cols * 32;
        var t1 = t0 + cols * 32;
        var t2 = t1 + cols * 32;
        var t3 = t2 + cols * 32;
        for (var off = start; off < end; off += 64)
        {
            Vector512<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Avx512F.LoadVector512(inputs[j] + off);
                var lo = Avx512F.And(x, mask);
                var hi = Avx512F.And(Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte(), mask);
                var o = j * 32;
                a0 = Avx512F.TernaryLogic(a0, Avx512BW.Shuffle(Table(t0 + o), lo), Avx512BW.Shuffle(Table(t0 + o + 16), hi), Xor3);
                a1 = Avx512F.TernaryLogic(a1, Avx512BW.Shuffle(Table(t1 + o), lo), Avx512BW.Shuffle(Table(t1 + o + 16), hi), Xor3);
                a2 = Avx512F.TernaryLogic(a2, Avx512BW.Shuffle(Table(t2 + o), lo), Avx512BW.Shuffle(Table(t2 + o + 16), hi), Xor3);
                a3 = Avx512F.TernaryLogic(a3, Avx512BW.Shuffle(Table(t3 + o), lo), Avx512BW.Shuffle(Table(t3 + o + 16), hi), Xor3);
            }
            Avx512F.Store(outputs[row] + off, a0);
            Avx512F.Store(outputs[row + 1] + off, a1);
            Avx512F.Store(outputs[row + 2] + off, a2);
            Avx512F.Store(outputs[row + 3] + off, a3);
        }
    }

    protected override void Rows1(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var mask = Vector512.Create((byte)0x0F);
        var t0 = tables + row * cols * 32;
        for (var off = start; off < end; off += 64)
        {
            Vector512<byte> a0 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Avx512F.LoadVector512(inputs[j] + off);
                var lo = Avx512F.And(x, mask);
                var hi = Avx512F.And(Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte(), mask);
                a0 = Avx512F.TernaryLogic(a0, Avx512BW.Shuffle(Table(t0 + j * 32), lo), Avx512BW.Shuffle(Table(t0 + j * 32 + 16), hi), Xor3);
            }
            Avx512F.Store(outputs[row] + off, a0);
        }
    }
}
