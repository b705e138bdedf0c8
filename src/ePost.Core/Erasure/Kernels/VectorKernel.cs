namespace ePost.Core.Erasure.Kernels;

/// <summary>
/// The shared shape of the SIMD kernels (ISA-L's technique): per-coefficient lookup tables prepared once, the
/// region walked in cache-sized chunks, and several output rows accumulated in registers per pass over the inputs.
/// </summary>
internal abstract unsafe class VectorKernel : RegionKernel
{
    /// <summary>Rows computed together per pass: each input vector is loaded once and used this many times.</summary>
    protected const int RowBlock = 4;

    /// <summary>Bytes per vector step; the region length modulo this is finished by the scalar kernel.</summary>
    protected abstract int VectorBytes { get; }

    /// <summary>Bytes of lookup table per coefficient in this kernel's layout.</summary>
    protected abstract int TableBytesPerCoefficient { get; }

    /// <summary>Writes the lookup table for one coefficient.</summary>
    protected abstract void FillTable(byte coefficient, Span<byte> table);

    /// <summary>Computes rows [row, row + RowBlock) over bytes [start, end); end - start is a multiple of VectorBytes.</summary>
    protected abstract void Rows4(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end);

    /// <summary>Computes one row over bytes [start, end).</summary>
    protected abstract void Rows1(byte* tables, int cols, int row, byte** inputs, byte** outputs, int start, int end);

    public override KernelMatrix Prepare(GaloisMatrix matrix)
    {
        var per = TableBytesPerCoefficient;
        var tables = GC.AllocateArray<byte>(Math.Max(1, matrix.Rows * matrix.Cols * per), pinned: true);
        var coefficients = matrix.Span;
        for (var i = 0; i < coefficients.Length; i++) FillTable(coefficients[i], tables.AsSpan(i * per, per));
        return new KernelMatrix(this, matrix.Rows, matrix.Cols, coefficients.ToArray(), tables);
    }

    public override void Apply(KernelMatrix matrix, byte** inputs, byte** outputs, int length)
    {
        CheckOwner(matrix);
        if (matrix.Rows == 0 || length == 0) return;
        if (matrix.Cols == 0)
        {
            for (var r = 0; r < matrix.Rows; r++) new Span<byte>(outputs[r], length).Clear();
            return;
        }
        var bulk = length - length % VectorBytes;
        // Cache blocking: walk the inputs in chunks small enough to stay in L2 while every row block passes over
        // them, so each input byte comes from memory once however many parity rows there are.
        var chunk = Math.Clamp(128 * 1024 / matrix.Cols / VectorBytes * VectorBytes, 4 * VectorBytes, 32 * 1024);
        fixed (byte* tables = matrix.Tables)
        {
            for (var start = 0; start < bulk; start += chunk)
            {
                var end = Math.Min(bulk, start + chunk);
                var row = 0;
                for (; row + RowBlock <= matrix.Rows; row += RowBlock) Rows4(tables, matrix.Cols, row, inputs, outputs, start, end);
                for (; row < matrix.Rows; row++) Rows1(tables, matrix.Cols, row, inputs, outputs, start, end);
            }
        }
        if (bulk < length) ScalarKernel.DotProduct(matrix.Coefficients, matrix.Rows, matrix.Cols, inputs, outputs, bulk, length);
    }
}
