using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ePost.Core.Erasure.Kernels;

/// <summary>GFNI affine kernel on 256-bit vectors: one <c>vgf2p8affineqb</c> and one XOR per coefficient per 32 bytes.</summary>
internal sealed unsafe class Gfni256Kernel : AffineKernel
{
    public override string Name => "gfni256";
    public override bool IsSupported => Gfni.V256.IsSupported;
    protected override int VectorBytes => 32;

    private static Vector256<byte> Times(Vector256<byte> x, byte* table) =>
        Gfni.V256.GaloisFieldAffineTransform(x, Vector256.Create(*(ulong*)table).AsByte(), 0);

    protected override void Rows4(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var t0 = tables + row * cols * 8;
        var t1 = t0 + cols * 8;
        var t2 = t1 + cols * 8;
        var t3 = t2 + cols * 8;
        for (var off = start; off < end; off += 32)
        {
            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var j = 0; j < cols; j++)
            {
                var x = Vector256.Load(inputs[j] + off);
                a0 ^= Times(x, t0 + j * 8);
                a1 ^= Times(x, t1 + j * 8);
                a2 ^= Times(x, t2 + j * 8);
                a3 ^= Times(x, t3 + j * 8);
            }
            a0.Store(outputs[row] + off);
            a1.Store(outputs[row + 1] + off);
            a2.Store(outputs[row + 2] + off);
            a3.Store(outputs[row + 3] + off);
        }
    }

    protected override void Rows1(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end)
    {
        var t0 = tables + row * cols * 8;
        for (var off = start; off < end; off += 32)
        {
            Vector256<byte> a0 = default;
            for (var j = 0; j < cols; j++) a0 ^= Times(Vector256.Load(inputs[j] + off), t0 + j * 8);
            a0.Store(outputs[row] + off);
        }
    }
}
