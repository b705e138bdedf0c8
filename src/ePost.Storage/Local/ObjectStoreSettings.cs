namespace ePost.Storage.Local;

/// <summary>A node's storage limits: the largest object it accepts and the bytes it will hold in all.</summary>
public sealed record ObjectStoreSettings
{
    /// <summary>No setting may allow objects larger than this (64 MiB): it bounds what one decode or one row costs.</summary>
    public const int HardMaxObjectBytes = 64 * 1024 * 1024;

    /// <summary>1 MiB objects (ePOST splits bodies at 1,000,000 bytes, which fits with room for the header) and a 2 GiB budget.</summary>
    public static ObjectStoreSettings Default { get; } = new(1024 * 1024, 2L * 1024 * 1024 * 1024);

    /// <summary>Creates settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a limit is not positive, an object may exceed <see cref="HardMaxObjectBytes"/>, or the budget is smaller than one object.</exception>
    public ObjectStoreSettings(int maxObjectBytes, long maxTotalBytes)
    {
        if (maxObjectBytes is < 1 or > HardMaxObjectBytes)
            throw new ArgumentOutOfRangeException(nameof(maxObjectBytes), $"Need 1..{HardMaxObjectBytes} bytes, not {maxObjectBytes}.");
        if (maxTotalBytes < maxObjectBytes)
            throw new ArgumentOutOfRangeException(nameof(maxTotalBytes), $"The budget ({maxTotalBytes}) must hold at least one object ({maxObjectBytes}).");
        MaxObjectBytes = maxObjectBytes;
        MaxTotalBytes = maxTotalBytes;
    }

    /// <summary>Largest encoded object accepted.</summary>
    public int MaxObjectBytes { get; }

    /// <summary>Most encoded bytes held in all.</summary>
    public long MaxTotalBytes { get; }

    /// <summary>The ring CA's Ed25519 public key: the only issuer whose certificates this node stores (none when null).</summary>
    public byte[]? TrustedIssuer { get; init; }
}
