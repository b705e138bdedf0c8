using System.Runtime.InteropServices;

namespace ePost.Node.Bench;

/// <summary>
/// Intel ISA-L's Reed-Solomon (libisal.so.2, Debian <c>libisal2</c>/<c>libisal-dev</c>), the reference our codec is
/// measured against. Bound through function pointers so a machine without the library still runs the benchmark.
/// </summary>
internal sealed unsafe class IsalErasure
{
    private readonly delegate* unmanaged<byte*, int, int, void> _genCauchy1Matrix;
    private readonly delegate* unmanaged<byte*, byte*, int, int> _invertMatrix;
    private readonly delegate* unmanaged<int, int, byte*, byte*, void> _initTables;
    private readonly delegate* unmanaged<int, int, int, byte*, byte**, byte**, void> _encodeData;

    private IsalErasure(nint library)
    {
        _genCauchy1Matrix = (delegate* unmanaged<byte*, int, int, void>)NativeLibrary.GetExport(library, "gf_gen_cauchy1_matrix");
        _invertMatrix = (delegate* unmanaged<byte*, byte*, int, int>)NativeLibrary.GetExport(library, "gf_invert_matrix");
        _initTables = (delegate* unmanaged<int, int, byte*, byte*, void>)NativeLibrary.GetExport(library, "ec_init_tables");
        _encodeData = (delegate* unmanaged<int, int, int, byte*, byte**, byte**, void>)NativeLibrary.GetExport(library, "ec_encode_data");
    }

    /// <summary>ISA-L if it is installed, else null.</summary>
    public static IsalErasure? TryLoad() =>
        NativeLibrary.TryLoad("libisal.so.2", out var library) || NativeLibrary.TryLoad("isal", typeof(IsalErasure).Assembly, null, out library)
            ? new IsalErasure(library)
            : null;

    /// <summary>The n x m systematic Cauchy matrix (the same construction as ours).</summary>
    public byte[] CauchyMatrix(int n, int m)
    {
        var matrix = new byte[n * m];
        fixed (byte* a = matrix) _genCauchy1Matrix(a, n, m);
        return matrix;
    }

    /// <summary>Expands rows x k coefficients into ISA-L's 32-byte-per-coefficient tables.</summary>
    public void InitTables(int k, int rows, byte* coefficients, byte* tables) => _initTables(k, rows, coefficients, tables);

    /// <summary>outputs = tables x inputs over len bytes.</summary>
    public void Encode(int len, int k, int rows, byte* tables, byte** inputs, byte** outputs) => _encodeData(len, k, rows, tables, inputs, outputs);

    /// <summary>Inverts a k x k matrix; false when singular.</summary>
    public bool Invert(byte* input, byte* output, int k) => _invertMatrix(input, output, k) == 0;
}

/// <summary>ISA-L set up for one (n, m, fragment size) the way its own examples do it: aligned native buffers.</summary>
internal sealed unsafe class IsalSetup : IDisposable
{
    private readonly IsalErasure _isal;
    private readonly int _n, _m, _size;
    private readonly byte[] _matrix;
    private readonly byte* _tables;
    private readonly byte* _decodeTables;
    private readonly byte** _fragments;
    private readonly byte** _outputs;

    public IsalSetup(IsalErasure isal, int n, int m, int fragmentSize, byte[][] dataFragments)
    {
        (_isal, _n, _m, _size) = (isal, n, m, fragmentSize);
        _matrix = isal.CauchyMatrix(n, m);
        _tables = Alloc(32 * m * Math.Max(1, n - m));
        _decodeTables = Alloc(32 * m * m);
        _fragments = (byte**)Alloc(sizeof(byte*) * n);
        _outputs = (byte**)Alloc(sizeof(byte*) * m);
        for (var i = 0; i < n; i++) _fragments[i] = Alloc(fragmentSize);
        for (var j = 0; j < m; j++)
        {
            _outputs[j] = Alloc(fragmentSize);
            dataFragments[j].CopyTo(new Span<byte>(_fragments[j], fragmentSize));
        }
        if (n > m)
            fixed (byte* parityRows = &_matrix[m * m]) isal.InitTables(m, n - m, parityRows, _tables);
    }

    private static byte* Alloc(int bytes) => (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(64, bytes), 64);

    /// <summary>All n - m parity fragments from the m data fragments.</summary>
    public void Encode()
    {
        if (_n > _m) _isal.Encode(_size, _m, _n - _m, _tables, _fragments, _fragments + _m);
    }

    /// <summary>Fragment i as ISA-L holds it.</summary>
    public byte[] Fragment(int i) => new Span<byte>(_fragments[i], _size).ToArray();

    /// <summary>Rebuilds every data fragment from the m fragments at <paramref name="sources"/> (none of them data): invert, expand tables, multiply.</summary>
    public void DecodeFrom(IReadOnlyList<int> sources)
    {
        var m = _m;
        var square = stackalloc byte[m * m];
        var inverse = stackalloc byte[m * m];
        var inputs = stackalloc byte*[m];
        for (var r = 0; r < m; r++)
        {
            for (var c = 0; c < m; c++) square[r * m + c] = _matrix[sources[r] * m + c];
            inputs[r] = _fragments[sources[r]];
        }
        if (!_isal.Invert(square, inverse, m)) throw new InvalidOperationException("ISA-L found the decode matrix singular.");
        _isal.InitTables(m, m, inverse, _decodeTables);
        _isal.Encode(_size, m, m, _decodeTables, inputs, _outputs);
    }

    /// <summary>Decoded data fragment j from the last <see cref="DecodeFrom"/>.</summary>
    public byte[] Decoded(int j) => new Span<byte>(_outputs[j], _size).ToArray();

    public void Dispose()
    {
        for (var i = 0; i < _n; i++) NativeMemory.AlignedFree(_fragments[i]);
        for (var j = 0; j < _m; j++) NativeMemory.AlignedFree(_outputs[j]);
        NativeMemory.AlignedFree(_fragments);
        NativeMemory.AlignedFree(_outputs);
        NativeMemory.AlignedFree(_tables);
        NativeMemory.AlignedFree(_decodeTables);
    }
}
