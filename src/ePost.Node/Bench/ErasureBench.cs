using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ePost.Core.Erasure;
using ePost.Core.Erasure.Kernels;
using ePost.Node.Cli;
using ePost.Storage.Glacier;

namespace ePost.Node.Bench;

/// <summary>
/// <c>epost bench erasure</c>: single-thread encode and decode throughput of our Reed-Solomon codec for one container,
/// at the given (n, m) and at the cheapest (n, m) that meets a loss target, side by side with ISA-L in the same run.
/// </summary>
public static class ErasureBench
{
    /// <summary>The benchmark's entry in the bench table.</summary>
    public static Verb Verb => new("erasure",
        "erasure codec MB/s vs ISA-L: --n 48 --m 5 --size 1048576 [--seconds 2] [--failure 0.6] [--target 1e-6] [--kernel name] [--container-bytes 262144]",
        RunAsync);

    private static Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var n = options.Int("n", 48, 1, ErasureCodec.MaxFragments);
        var m = options.Int("m", 5, 1, ErasureCodec.MaxFragments);
        var size = options.Int("size", 1 << 20, 1, 1 << 30);
        var seconds = options.Double("seconds", 2, 0.05, 600);
        var failure = options.Double("failure", 0.6, 0, 1);
        var target = options.Double("target", 1e-6, 1e-300, 1);
        var kernelName = options.Get("kernel");
        // By default the container the node fills before it closes one (epost.glacier.container.max-bytes).
        var containerBytes = options.Int("container-bytes", Storage.Glacier.GlacierSettings.Default.ContainerMaxBytes, 1, 1 << 30);
        options.RejectUnknown();
        if (m > n) throw new UsageException($"--m ({m}) cannot exceed --n ({n}).");
        RegionKernel kernel;
        try { kernel = kernelName is null ? RegionKernels.Best : RegionKernels.Get(kernelName); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        var isal = IsalErasure.TryLoad();
        Console.WriteLine($"erasure bench: size {size} bytes, {seconds:0.##} s per measurement, kernel {kernel.Name}, " +
                          (isal is null ? "ISA-L not installed (libisal2), comparing nothing" : "ISA-L libisal.so.2 loaded"));
        var result = Measure(new ErasureCodec(n, m, kernel), DurabilityCalculator.Evaluate(n, m, failure), size, seconds, isal, cancel);
        result["kernel"] = kernel.Name;

        var cheapest = DurabilityCalculator.Cheapest(failure, target);
        if (cheapest is null)
            Console.WriteLine($"no (n, m) with n <= {ErasureCodec.MaxFragments} meets loss {target:g3} at failure {failure:g3}");
        else
        {
            Console.WriteLine($"cheapest setting for loss <= {target:g3} at failure {failure:g3}: n={cheapest.N} m={cheapest.M}");
            result["cheapest"] = Measure(new ErasureCodec(cheapest.N, cheapest.M, kernel), cheapest, size, seconds, isal, cancel);
        }
        // What Glacier's automatic choice (code.fragments = needed = 0) would pick: the fewest stored bytes per
        // container byte with the manifest every fragment carries counted, not the lowest n/m.
        result["stored_per_byte"] = Math.Round(CodeChoice.StoredPerByte(n, m, containerBytes), 4);
        if (CodeChoice.Cheapest(failure, target, ErasureCodec.MaxFragments, containerBytes) is { } glacier)
        {
            var stored = CodeChoice.StoredPerByte(glacier.N, glacier.M, containerBytes);
            Console.WriteLine($"cheapest counting manifests for {containerBytes}-byte containers: n={glacier.N} m={glacier.M} " +
                              $"({stored:0.###}x stored, loss {glacier.LossProbability:0.###e+0}; n={n} m={m} stores {CodeChoice.StoredPerByte(n, m, containerBytes):0.###}x)");
            result["glacier_choice"] = new JsonObject
            {
                ["container_bytes"] = containerBytes, ["n"] = glacier.N, ["m"] = glacier.M,
                ["stored_per_byte"] = Math.Round(stored, 4), ["loss_probability"] = glacier.LossProbability,
            };
        }
        Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return Task.FromResult(0);
    }

    private static JsonObject Measure(ErasureCodec codec, ErasureSetting setting, int size, double seconds, IsalErasure? isal, CancellationToken cancel)
    {
        var (n, m) = (codec.N, codec.M);
        var data = new byte[size];
        new Random(size ^ n ^ m << 8).NextBytes(data);
        var fragments = codec.Encode(data);
        // Worst-case decode: the m sources are parity fragments whenever there are that many, so all m data pieces
        // are computed through a full m x m inversion.
        var sources = Enumerable.Range(n - m, m).ToList();
        var given = sources.ToDictionary(i => i, i => fragments[i]);
        var decoded = new byte[size];

        var encode = Throughput(size, seconds, cancel, () => codec.EncodeParity(fragments));
        var decode = Throughput(size, seconds, cancel, () => codec.Decode(given, decoded));
        if (!decoded.AsSpan().SequenceEqual(data)) throw new InvalidOperationException($"our decode of ({n}, {m}) returned wrong bytes.");

        var result = new JsonObject
        {
            ["n"] = n, ["m"] = m, ["size"] = size,
            ["overhead"] = Math.Round(setting.Overhead, 4),
            ["loss_probability"] = setting.LossProbability,
            ["encode_mb_s"] = Math.Round(encode, 1),
            ["decode_mb_s"] = Math.Round(decode, 1),
        };
        var line = $"  ({n}, {m}) overhead {setting.Overhead:0.###} loss {setting.LossProbability:0.###e+0} at failure {setting.FailureFraction:0.##}: " +
                   $"ours encode {encode:0} MB/s decode {decode:0} MB/s";
        if (isal is not null)
        {
            using var reference = new IsalSetup(isal, n, m, codec.FragmentSize(size), fragments);
            var isalEncode = Throughput(size, seconds, cancel, reference.Encode);
            var isalDecode = Throughput(size, seconds, cancel, () => reference.DecodeFrom(sources));
            CheckAgainst(reference, fragments, codec, data);
            result["isal_encode_mb_s"] = Math.Round(isalEncode, 1);
            result["isal_decode_mb_s"] = Math.Round(isalDecode, 1);
            result["encode_vs_isal"] = Math.Round(encode / isalEncode, 3);
            result["decode_vs_isal"] = Math.Round(decode / isalDecode, 3);
            line += $"; ISA-L encode {isalEncode:0} MB/s decode {isalDecode:0} MB/s ({encode / isalEncode:0.00}x, {decode / isalDecode:0.00}x)";
        }
        Console.WriteLine(line);
        return result;
    }

    /// <summary>Sanity: both libraries use the Cauchy1 matrix, so ISA-L's parity must equal ours, and its decode must give the data back.</summary>
    private static void CheckAgainst(IsalSetup reference, byte[][] fragments, ErasureCodec codec, byte[] data)
    {
        for (var i = codec.M; i < codec.N; i++)
            if (!reference.Fragment(i).AsSpan().SequenceEqual(fragments[i]))
                throw new InvalidOperationException($"ISA-L parity fragment {i} differs from ours.");
        var size = codec.FragmentSize(data.Length);
        for (var j = 0; j < codec.M; j++)
        {
            var piece = data.AsSpan(Math.Min(data.Length, j * size));
            piece = piece[..Math.Min(size, piece.Length)];
            if (!reference.Decoded(j).AsSpan(0, piece.Length).SequenceEqual(piece))
                throw new InvalidOperationException($"ISA-L decoded data piece {j} wrongly.");
        }
    }

    /// <summary>Megabytes (10^6 bytes) of input data per second: a short warm-up, then whole iterations until the time is up.</summary>
    private static double Throughput(int bytesPerIteration, double seconds, CancellationToken cancel, Action iteration)
    {
        var warmup = Stopwatch.StartNew();
        do iteration(); while (warmup.Elapsed.TotalSeconds < Math.Min(0.25, seconds / 4));
        var clock = Stopwatch.StartNew();
        long count = 0;
        do
        {
            cancel.ThrowIfCancellationRequested();
            iteration();
            count++;
        } while (clock.Elapsed.TotalSeconds < seconds);
        return count * (double)bytesPerIteration / clock.Elapsed.TotalSeconds / 1e6;
    }
}
