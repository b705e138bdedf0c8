namespace ePost.Core.Erasure.Kernels;

/// <summary>
/// One implementation of the erasure hot loop, the matrix-vector product over byte regions:
/// <c>outputs[r][i] = XOR over j of matrix[r, j] * inputs[j][i]</c>. Every kernel gives identical bytes; they differ
/// only in speed and in which CPUs run them.
/// </summary>
internal abstract unsafe class RegionKernel
{
    /// <summary>Short name for logs, benchmark output and forcing (<c>gfni512</c>, <c>avx2</c>, ...).</summary>
    public abstract string Name { get; }

    /// <summary>True when this CPU (and runtime) can execute the kernel.</summary>
    public abstract bool IsSupported { get; }

    /// <summary>Expands a coefficient matrix into this kernel's lookup tables, once per matrix (encode: once per codec).</summary>
    public abstract KernelMatrix Prepare(GaloisMatrix matrix);

    /// <summary>Computes every output row over bytes [0, length). Inputs and outputs must not overlap.</summary>
    public abstract void Apply(KernelMatrix matrix, byte** inputs, byte** outputs, int length);

    protected void CheckOwner(KernelMatrix matrix)
    {
        if (!ReferenceEquals(matrix.Kernel, this)) throw new ArgumentException("the matrix was prepared for another kernel.", nameof(matrix));
    }

    public override string ToString() => Name;
}

/// <summary>A coefficient matrix expanded into one kernel's lookup tables (pinned, so kernels address them directly).</summary>
internal sealed record KernelMatrix(RegionKernel Kernel, int Rows, int Cols, byte[] Coefficients, byte[] Tables);
