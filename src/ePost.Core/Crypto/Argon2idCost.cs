namespace ePost.Core.Crypto;

/// <summary>The cost of one Argon2id passphrase derivation (RFC 9106): memory in KiB, passes over it, and lanes.</summary>
/// <param name="MemoryKiB">Memory the derivation fills; what makes guessing expensive on GPUs and ASICs.</param>
/// <param name="Iterations">Passes over the memory.</param>
/// <param name="Parallelism">Independent lanes (the derivation still runs on one thread here).</param>
public sealed record Argon2idCost(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>The default for real key files: 64 MiB, 3 passes, 1 lane (RFC 9106's second recommended option).</summary>
    public static Argon2idCost Default { get; } = new(64 * 1024, 3, 1);

    /// <summary>Most memory a key file may demand (1 GiB), so opening a hostile file has a bounded cost.</summary>
    public const int MaxMemoryKiB = 1024 * 1024;

    /// <summary>Most passes a key file may demand.</summary>
    public const int MaxIterations = 32;

    /// <summary>Most lanes a key file may demand.</summary>
    public const int MaxParallelism = 16;

    /// <summary>Null when the cost is within bounds, else the reason it is not.</summary>
    public string? Problem() =>
        Parallelism is < 1 or > MaxParallelism ? $"parallelism {Parallelism} is outside 1..{MaxParallelism}"
        : Iterations is < 1 or > MaxIterations ? $"iterations {Iterations} is outside 1..{MaxIterations}"
        : MemoryKiB < 8 * Parallelism || MemoryKiB > MaxMemoryKiB ? $"memory {MemoryKiB} KiB is outside {8 * Parallelism}..{MaxMemoryKiB} KiB"
        : null;
}
