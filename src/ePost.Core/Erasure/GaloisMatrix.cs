namespace ePost.Core.Erasure;

/// <summary>A dense row-major matrix over GF(2^8): the encoding matrix and the inverses decoding builds from it.</summary>
internal sealed class GaloisMatrix
{
    private readonly byte[] _data;

    public GaloisMatrix(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        _data = new byte[rows * cols];
    }

    public int Rows { get; }
    public int Cols { get; }

    public byte this[int row, int col]
    {
        get => _data[row * Cols + col];
        set => _data[row * Cols + col] = value;
    }

    /// <summary>The coefficients row-major (a copy is not made: callers treat it as read-only).</summary>
    public ReadOnlySpan<byte> Span => _data;

    public ReadOnlySpan<byte> Row(int row) => _data.AsSpan(row * Cols, Cols);

    public static GaloisMatrix Identity(int size)
    {
        var identity = new GaloisMatrix(size, size);
        for (var i = 0; i < size; i++) identity[i, i] = 1;
        return identity;
    }

    /// <summary>
    /// The n x m systematic encoding matrix: the identity over a Cauchy block with entries 1 / (i XOR j) for parity
    /// row i in m..n-1 and column j in 0..m-1 (ISA-L's <c>gf_gen_cauchy1_matrix</c>, so parity bytes match it). Every
    /// square submatrix of a Cauchy matrix is invertible, hence any m rows of [I; C] are, for every n up to 256.
    /// </summary>
    public static GaloisMatrix SystematicCauchy(int n, int m)
    {
        if (m < 1 || m > n || n > 256) throw new ArgumentOutOfRangeException(nameof(n), $"need 1 <= m <= n <= 256, got n={n}, m={m}.");
        var matrix = new GaloisMatrix(n, m);
        for (var j = 0; j < m; j++) matrix[j, j] = 1;
        for (var i = m; i < n; i++)
        for (var j = 0; j < m; j++)
            matrix[i, j] = GaloisField.Inverse((byte)(i ^ j));
        return matrix;
    }

    /// <summary>A new matrix made of the given rows, in the given order.</summary>
    public GaloisMatrix SelectRows(IReadOnlyList<int> rows)
    {
        var selected = new GaloisMatrix(rows.Count, Cols);
        for (var r = 0; r < rows.Count; r++) Row(rows[r]).CopyTo(selected._data.AsSpan(r * Cols, Cols));
        return selected;
    }

    /// <summary>this x other.</summary>
    public GaloisMatrix Multiply(GaloisMatrix other)
    {
        if (Cols != other.Rows) throw new ArgumentException($"cannot multiply {Rows}x{Cols} by {other.Rows}x{other.Cols}.");
        var product = new GaloisMatrix(Rows, other.Cols);
        for (var i = 0; i < Rows; i++)
        for (var k = 0; k < Cols; k++)
        {
            var a = this[i, k];
            if (a == 0) continue;
            var row = a << 8;
            for (var j = 0; j < other.Cols; j++)
                product._data[i * other.Cols + j] ^= GaloisField.MultiplyTable[row | other[k, j]];
        }
        return product;
    }

    /// <summary>The inverse by Gauss-Jordan elimination; throws <see cref="InvalidOperationException"/> when singular.</summary>
    public GaloisMatrix Invert()
    {
        if (Rows != Cols) throw new InvalidOperationException($"only square matrices invert, this is {Rows}x{Cols}.");
        var size = Rows;
        var work = (byte[])_data.Clone();
        var inverse = Identity(size);
        var inv = inverse._data;
        var table = GaloisField.MultiplyTable;
        for (var col = 0; col < size; col++)
        {
            var pivot = col;
            while (pivot < size && work[pivot * size + col] == 0) pivot++;
            if (pivot == size) throw new InvalidOperationException("the matrix is singular.");
            if (pivot != col)
            {
                SwapRows(work, size, pivot, col);
                SwapRows(inv, size, pivot, col);
            }
            var scale = GaloisField.Inverse(work[col * size + col]) << 8;
            for (var j = 0; j < size; j++)
            {
                work[col * size + j] = table[scale | work[col * size + j]];
                inv[col * size + j] = table[scale | inv[col * size + j]];
            }
            for (var row = 0; row < size; row++)
            {
                var factor = work[row * size + col];
                if (row == col || factor == 0) continue;
                var f = factor << 8;
                for (var j = 0; j < size; j++)
                {
                    work[row * size + j] ^= table[f | work[col * size + j]];
                    inv[row * size + j] ^= table[f | inv[col * size + j]];
                }
            }
        }
        return inverse;
    }

    private static void SwapRows(byte[] data, int cols, int a, int b)
    {
        var ra = data.AsSpan(a * cols, cols);
        var rb = data.AsSpan(b * cols, cols);
        Span<byte> temp = stackalloc byte[cols];
        ra.CopyTo(temp);
        rb.CopyTo(ra);
        temp.CopyTo(rb);
    }
}
