using System.Runtime.InteropServices;
using ePost.Core.Erasure;
using ePost.Core.Erasure.Kernels;

namespace ePost.Core.Tests.Erasure;

public sealed unsafe class RegionKernelTests
{
    public static TheoryData<string> SupportedKernels()
    {
        var data = new TheoryData<string>();
        foreach (var kernel in RegionKernels.Supported) data.Add(kernel.Name);
        return data;
    }

    private static byte[][] Apply(RegionKernel kernel, GaloisMatrix matrix, byte[][] inputs, int length)
    {
        var outputs = Enumerable.Range(0, matrix.Rows).Select(_ => new byte[length]).ToArray();
        var prepared = kernel.Prepare(matrix);
        var ins = stackalloc byte*[Math.Max(1, inputs.Length)];
        var outs = stackalloc byte*[Math.Max(1, outputs.Length)];
        var handles = inputs.Concat(outputs).Select(a => GCHandle.Alloc(a, GCHandleType.Pinned)).ToList();
        try
        {
            for (var j = 0; j < inputs.Length; j++) ins[j] = (byte*)handles[j].AddrOfPinnedObject();
            for (var r = 0; r < outputs.Length; r++) outs[r] = (byte*)handles[inputs.Length + r].AddrOfPinnedObject();
            kernel.Apply(prepared, ins, outs, length);
        }
        finally
        {
            foreach (var h in handles) h.Free();
        }
        return outputs;
    }

    [Theory]
    [MemberData(nameof(SupportedKernels))]
    public void Kernel_gives_the_scalar_kernels_bytes_for_random_matrices_and_lengths(string name)
    {
        var kernel = RegionKernels.Get(name);
        var scalar = RegionKernels.Get("scalar");
        var random = new Random(name.GetHashCode() ^ 1234);
        // Lengths straddle every vector width (16/32/64), the chunk size, and zero; row counts hit blocks of 4 and leftovers.
        int[] lengths = [0, 1, 15, 16, 17, 31, 63, 64, 65, 127, 200, 1000, 4099, 40_000];
        foreach (var length in lengths)
        {
            var rows = random.Next(1, 12);
            var cols = random.Next(1, 20);
            var matrix = new GaloisMatrix(rows, cols);
            for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                matrix[r, c] = (byte)(random.Next(4) == 0 ? random.Next(3) : random.Next(256)); // zeros and ones included
            var inputs = Enumerable.Range(0, cols).Select(_ => RandomBytes(random, length)).ToArray();
            var expected = Apply(scalar, matrix, inputs, length);
            var actual = Apply(kernel, matrix, inputs, length);
            for (var r = 0; r < rows; r++) Assert.Equal(expected[r], actual[r]);
        }
    }

    [Fact]
    public void Every_coefficient_times_every_byte_matches_the_field_in_every_kernel()
    {
        var inputs = new[] { Enumerable.Range(0, 256).Select(i => (byte)i).ToArray() };
        var matrix = new GaloisMatrix(256, 1);
        for (var c = 0; c < 256; c++) matrix[c, 0] = (byte)c;
        foreach (var kernel in RegionKernels.Supported)
        {
            var outputs = Apply(kernel, matrix, inputs, 256);
            for (var c = 0; c < 256; c++)
            for (var x = 0; x < 256; x++)
                Assert.True(GaloisField.Multiply((byte)c, (byte)x) == outputs[c][x], $"{kernel.Name}: {c} * {x}");
        }
    }

    [Fact]
    public void Codec_on_every_kernel_encodes_the_same_fragments()
    {
        var data = RandomBytes(new Random(7), 100_003);
        var reference = new ErasureCodec(20, 7, RegionKernels.Get("scalar")).Encode(data);
        foreach (var kernel in RegionKernels.Supported)
            Assert.Equal(reference, new ErasureCodec(20, 7, kernel).Encode(data));
    }

    [Fact]
    public void Forcing_an_unknown_kernel_names_the_available_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => RegionKernels.Get("quantum"));
        Assert.Contains("scalar", error.Message);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
