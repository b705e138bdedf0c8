using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace ePost.Core.Crypto;

/// <summary>Private keys at rest: a user's keys or the CA key, sealed under a passphrase with Argon2id and AES-256-GCM in a versioned JSON file.</summary>
/// <remarks>
/// File (JSON, UTF-8): <c>{"format":"epost-key-file","version":1,"contents":"user-keys"|"ca-key",
/// "kdf":{"algorithm":"argon2id","memoryKiB":…,"iterations":…,"parallelism":…,"salt":"&lt;base64, 16 bytes&gt;"},
/// "check":"&lt;base64, 16 bytes&gt;","sealed":"&lt;base64 AES-GCM box&gt;"}</c>.
/// The passphrase (its exact UTF-8 bytes, not Unicode-normalized) and salt go through Argon2id v1.3 with the stored cost to a 32-byte master;
/// HKDF-SHA-256 splits it into the AES key (info "epost/key-file/v1/seal") and a 16-byte check value (info
/// "epost/key-file/v1/check"). The check tells a wrong passphrase apart from a tampered file without revealing more
/// than the GCM tag would; the box's associated data is every header field, so no field can be changed unnoticed.
/// The bounds in <see cref="Argon2idCost"/> keep a hostile file from demanding unbounded memory or time.
/// </remarks>
public static class PassphraseKeyFile
{
    /// <summary>The format version this code writes and the only one it reads.</summary>
    public const int Version = 1;

    /// <summary>Largest key file accepted.</summary>
    public const int MaxFileBytes = 16 * 1024;

    private const string Format = "epost-key-file";
    private const string UserKeysContents = "user-keys";
    private const string CaKeyContents = "ca-key";
    private const int SaltLength = 16;
    private const int CheckLength = 16;
    private const byte UserKeysPayloadVersion = 1;

    /// <summary>Seals a user's keys and certificate under <paramref name="passphrase"/>.</summary>
    /// <exception cref="ArgumentException">When the passphrase is empty or the cost out of bounds.</exception>
    public static string Seal(UserKeys keys, string passphrase, Argon2idCost cost, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var certificate = keys.Certificate.Encode();
        var payload = new byte[1 + Ed25519.PrivateKeyLength + X25519.PrivateKeyLength + certificate.Length];
        payload[0] = UserKeysPayloadVersion;
        keys.Signing.PrivateKey.CopyTo(payload, 1);
        keys.Encryption.PrivateKey.CopyTo(payload, 1 + Ed25519.PrivateKeyLength);
        certificate.CopyTo(payload, 1 + Ed25519.PrivateKeyLength + X25519.PrivateKeyLength);
        try
        {
            return Seal(UserKeysContents, payload, passphrase, cost, random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>Seals the CA's private key under <paramref name="passphrase"/>.</summary>
    /// <exception cref="ArgumentException">When the passphrase is empty or the cost out of bounds.</exception>
    public static string Seal(CertificateAuthority ca, string passphrase, Argon2idCost cost, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return Seal(CaKeyContents, ca.PrivateKey, passphrase, cost, random);
    }

    /// <summary>The user keys in a key file.</summary>
    /// <exception cref="KeyFileException">With the <see cref="KeyFileError"/> that says why the file does not open.</exception>
    public static UserKeys OpenUserKeys(string file, string passphrase)
    {
        var payload = Open(file, passphrase, UserKeysContents);
        try
        {
            const int keysEnd = 1 + Ed25519.PrivateKeyLength + X25519.PrivateKeyLength;
            if (payload.Length <= keysEnd || payload[0] != UserKeysPayloadVersion)
                throw new KeyFileException(KeyFileError.Malformed, "The key file's sealed user keys have an unknown layout.");
            var signing = Ed25519.FromSeed(payload.AsSpan(1, Ed25519.PrivateKeyLength));
            var encryption = X25519.FromPrivateKey(payload.AsSpan(1 + Ed25519.PrivateKeyLength, X25519.PrivateKeyLength));
            var certificate = UserCertificate.Decode(payload.AsSpan(keysEnd));
            return new UserKeys(signing, encryption, certificate);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new KeyFileException(KeyFileError.Malformed, $"The key file's sealed user keys are inconsistent: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>The CA in a CA key file.</summary>
    /// <exception cref="KeyFileException">With the <see cref="KeyFileError"/> that says why the file does not open.</exception>
    public static CertificateAuthority OpenCertificateAuthority(string file, string passphrase)
    {
        var payload = Open(file, passphrase, CaKeyContents);
        try
        {
            if (payload.Length != Ed25519.PrivateKeyLength)
                throw new KeyFileException(KeyFileError.Malformed, $"The key file's sealed CA key is {payload.Length} bytes, not {Ed25519.PrivateKeyLength}.");
            return CertificateAuthority.FromPrivateKey(payload);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    private static string Seal(string contents, byte[] payload, string passphrase, Argon2idCost cost, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(random);
        if (cost.Problem() is { } problem)
            throw new ArgumentException($"Argon2id cost out of bounds: {problem}.", nameof(cost));
        var salt = new byte[SaltLength];
        random.GetBytes(salt);
        var kdf = new KdfSection("argon2id", cost.MemoryKiB, cost.Iterations, cost.Parallelism, salt);
        var (key, check) = DeriveKeys(passphrase, kdf);
        try
        {
            var box = AesGcmBox.Seal(key, payload, Header(Version, contents, kdf), random);
            return JsonSerializer.Serialize(new KeyFileDocument(Format, Version, contents, kdf, check, box), JsonOptions);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] Open(string file, string passphrase, string expectedContents)
    {
        ArgumentNullException.ThrowIfNull(file);
        var document = Parse(file);
        if (document.Contents != expectedContents)
            throw new KeyFileException(KeyFileError.WrongContents, $"This key file holds '{document.Contents}', not '{expectedContents}'.");
        var kdf = document.Kdf!;
        var (key, check) = DeriveKeys(passphrase, kdf);
        try
        {
            if (!CryptographicOperations.FixedTimeEquals(check, document.Check))
                throw new KeyFileException(KeyFileError.WrongPassphrase, "Wrong passphrase for this key file (or its KDF parameters were altered).");
            return AesGcmBox.Open(key, document.Sealed, Header(document.Version, document.Contents, kdf));
        }
        catch (CryptographicException e)
        {
            throw new KeyFileException(KeyFileError.Tampered, "The passphrase is right but the key file was altered: its sealed keys or header do not authenticate.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static KeyFileDocument Parse(string file)
    {
        if (Encoding.UTF8.GetByteCount(file) > MaxFileBytes)
            throw new KeyFileException(KeyFileError.Malformed, $"A key file is at most {MaxFileBytes} bytes.");
        KeyFileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<KeyFileDocument>(file, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new KeyFileException(KeyFileError.Malformed, $"Not a key file: {e.Message}", e);
        }
        if (document is null || document.Format != Format)
            throw new KeyFileException(KeyFileError.Malformed, $"Not a key file: the format field is not '{Format}'.");
        if (document.Version != Version)
            throw new KeyFileException(KeyFileError.UnsupportedVersion, $"Key file version {document.Version} is not readable here; this node reads version {Version}.");
        if (document.Contents is null || document.Kdf is null || document.Check is null || document.Sealed is null)
            throw new KeyFileException(KeyFileError.Malformed, "Not a key file: contents, kdf, check and sealed are all required.");
        var kdf = document.Kdf;
        if (kdf.Algorithm != "argon2id")
            throw new KeyFileException(KeyFileError.Malformed, $"Unknown key-file KDF '{kdf.Algorithm}'; only argon2id is read.");
        if (kdf.Salt is null || kdf.Salt.Length != SaltLength || document.Check.Length != CheckLength)
            throw new KeyFileException(KeyFileError.Malformed, $"The key file's salt and check must be {SaltLength} and {CheckLength} bytes.");
        if (new Argon2idCost(kdf.MemoryKiB, kdf.Iterations, kdf.Parallelism).Problem() is { } problem)
            throw new KeyFileException(KeyFileError.CostOutOfBounds, $"The key file asks for an Argon2id cost out of bounds: {problem}.");
        return document;
    }

    private static (byte[] Key, byte[] Check) DeriveKeys(string passphrase, KdfSection kdf)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        if (passphrase.Length == 0)
            throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
        // The exact UTF-8 bytes: the build runs with InvariantGlobalization, where string.Normalize does nothing for
        // non-ASCII text, so promising Unicode normalization here would be a lie (see docs/decisions.md).
        var password = Encoding.UTF8.GetBytes(passphrase);
        var master = new byte[32];
        try
        {
            var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
                .WithVersion(Argon2Parameters.Version13)
                .WithSalt(kdf.Salt)
                .WithMemoryAsKB(kdf.MemoryKiB)
                .WithIterations(kdf.Iterations)
                .WithParallelism(kdf.Parallelism)
                .Build();
            var generator = new Argon2BytesGenerator();
            generator.Init(parameters);
            generator.GenerateBytes(password, master);
            return (Hkdf.DeriveKey(master, AesGcmBox.KeyLength, [], "epost/key-file/v1/seal"u8),
                Hkdf.DeriveKey(master, CheckLength, [], "epost/key-file/v1/check"u8));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
            CryptographicOperations.ZeroMemory(master);
        }
    }

    // Every header field, length-prefixed so no two headers share bytes: the associated data of the sealed box.
    private static byte[] Header(int version, string contents, KdfSection kdf)
    {
        Span<byte> numbers = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(numbers, version);
        BinaryPrimitives.WriteInt32BigEndian(numbers[4..], kdf.MemoryKiB);
        BinaryPrimitives.WriteInt32BigEndian(numbers[8..], kdf.Iterations);
        BinaryPrimitives.WriteInt32BigEndian(numbers[12..], kdf.Parallelism);
        return Hashing.Sha256.HashFramed(Encoding.UTF8.GetBytes(Format), numbers.ToArray(), Encoding.UTF8.GetBytes(contents),
            Encoding.UTF8.GetBytes(kdf.Algorithm ?? ""), kdf.Salt);
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 4,
    };

    private sealed record KdfSection(
        [property: JsonPropertyName("algorithm")] string? Algorithm,
        [property: JsonPropertyName("memoryKiB")] int MemoryKiB,
        [property: JsonPropertyName("iterations")] int Iterations,
        [property: JsonPropertyName("parallelism")] int Parallelism,
        [property: JsonPropertyName("salt")] byte[] Salt);

    private sealed record KeyFileDocument(
        [property: JsonPropertyName("format")] string? Format,
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("contents")] string? Contents,
        [property: JsonPropertyName("kdf")] KdfSection? Kdf,
        [property: JsonPropertyName("check")] byte[] Check,
        [property: JsonPropertyName("sealed")] byte[] Sealed);
}
