namespace ePost.Core.Erasure.Kernels;

/// <summary>The reference kernel: one product-table lookup per byte. Runs everywhere; every other kernel must match it byte for byte.</summary>
internal sealed unsafe class ScalarKernel : RegionKernel
{
    public override string Name => "scalar";
    public override bool IsSupported => true;

    public override KernelMatrix Prepare(GaloisMatrix matrix) =>
        new(this, matrix.Rows, matrix.Cols, matrix.Span.ToArray(), []);

    public override void Apply(KernelMatrix matrix, byte** inputs, byte** outputs, int length)
    {
        CheckOwner(matrix);
        DotProduct(matrix.Coefficients, matrix.Rows, matrix.Cols, inputs, outputs, 0, length);
    }

    /// <summary>Every row over bytes [start, end); also finishes the sub-vector tail for the vector kernels.</summary>
    public static void DotProduct(byte[] coefficients, int rows, int cols, byte** inputs, byte** outputs, int start, int end)
    {
        fixed (byte* products = GaloisField.MultiplyTable)
        {
            for (var r = 0; r < rows; r++)
            {
                var output = outputs[r];
                if (cols == 0)
                {
                    new Span<byte>(output + start, end - start).Clear();
                    continue;
                }
                // Row c of the product table maps every byte x to c * x.
                var first = products + (coefficients[r * cols] << 8);
                var input = inputs[0];
                for (var i = start; i < end; i++) output[i] = first[input[i]];
                for (var j = 1; j < cols; j++)
                {
                    var c = coefficients[r * cols + j];
                    if (c == 0) continue;
                    var mul = products + (c << 8);
                    input = inputs[j];
                    for (var i = start; i < end; i++) output[i] ^= mul[input[i]];
                }
            }
        }
    }
}
