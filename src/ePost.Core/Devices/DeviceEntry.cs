using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Core.Devices;

/// <summary>One device of a user as the user's signed <see cref="DeviceList"/> names it.</summary>
/// <param name="Index">The device index its node certificate carries (<see cref="NodeCertificate.Serial"/>); never reused.</param>
/// <param name="Name">The user's name for the device (1..<see cref="MaxNameBytes"/> bytes of a-z, 0-9, '-', '_', '.').</param>
/// <param name="SigningKey">The device's Ed25519 key: its node key, which signs its writes of the user's objects.</param>
/// <param name="EncryptionKey">The device's X25519 key: mail and log keys are wrapped for it while it is active.</param>
/// <param name="LoginVerifier">SHA-256 of the device's mail password (<see cref="VerifierOf"/>): any of the user's nodes accepts it while the device is active.</param>
/// <param name="Revoked">True once the user revoked it; a revoked device stays revoked in every later list.</param>
public sealed record DeviceEntry(ushort Index, string Name, byte[] SigningKey, byte[] EncryptionKey, byte[] LoginVerifier, bool Revoked)
{
    /// <summary>Longest device name, in bytes.</summary>
    public const int MaxNameBytes = 64;

    /// <summary>The device's node id: the hash of its node key, as its node certificate names it.</summary>
    public RingId NodeId => RingId.FromSha256(SigningKey);

    /// <summary>The verifier stored for a device mail password (high-entropy and random, so one SHA-256 suffices).</summary>
    public static byte[] VerifierOf(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return SHA256.HashData(Encoding.UTF8.GetBytes("epost/device-login/v1|" + password));
    }

    /// <summary>True when <paramref name="password"/> is this device's mail password (constant time).</summary>
    public bool LoginMatches(string password) => CryptographicOperations.FixedTimeEquals(VerifierOf(password), LoginVerifier);

    /// <summary>Null when <paramref name="name"/> is a usable device name, else why not.</summary>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameBytes) return $"a device name is 1..{MaxNameBytes} characters";
        return name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.')
            ? null
            : $"'{name}' is not a device name: use lower-case letters, digits, '-', '_' and '.'";
    }

    /// <summary>True when both entries describe the same device with the same keys (revocation aside).</summary>
    internal bool SameDeviceAs(DeviceEntry other) =>
        Index == other.Index && Name == other.Name && SigningKey.AsSpan().SequenceEqual(other.SigningKey) &&
        EncryptionKey.AsSpan().SequenceEqual(other.EncryptionKey) && LoginVerifier.AsSpan().SequenceEqual(other.LoginVerifier);

    /// <summary>Index, name and state, for logs; never the verifier.</summary>
    public override string ToString() => $"device {Index} '{Name}' node {NodeId.ToShortString()}{(Revoked ? " (revoked)" : "")}";
}
