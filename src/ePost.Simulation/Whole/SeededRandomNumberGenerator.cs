using System.Security.Cryptography;

namespace ePost.Simulation.Whole;

/// <summary>
/// A <see cref="RandomNumberGenerator"/> drawn from a seed, so a simulation's CA, user and node keys are the same on
/// every run of a seed. Never for real keys: it is as predictable as its seed.
/// </summary>
internal sealed class SeededRandomNumberGenerator(int seed) : RandomNumberGenerator
{
    private readonly Random _random = new(seed);

    public override void GetBytes(byte[] data) => _random.NextBytes(data);

    public override void GetBytes(Span<byte> data) => _random.NextBytes(data);

    public override void GetBytes(byte[] data, int offset, int count) => _random.NextBytes(data.AsSpan(offset, count));

    public override void GetNonZeroBytes(byte[] data) => GetNonZeroBytes(data.AsSpan());

    public override void GetNonZeroBytes(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++) data[i] = (byte)_random.Next(1, 256);
    }
}
