using ePost.Core.Crypto;

namespace ePost.Core.Devices;

/// <summary>What a new device asks to be admitted as: its name, its keys, its mail password's verifier, and whether it wants the user's own keys.</summary>
/// <param name="Name">The device name the user chose.</param>
/// <param name="SigningKey">The new device's node key (Ed25519 public).</param>
/// <param name="EncryptionKey">The new device's X25519 public key.</param>
/// <param name="LoginVerifier">The verifier of the device's mail password (<see cref="DeviceEntry.VerifierOf"/>); the password itself stays on the device.</param>
/// <param name="WantsUserKey">True only when the user explicitly asked to copy the long-term user keys to this device.</param>
public sealed record PairingRequest(string Name, byte[] SigningKey, byte[] EncryptionKey, byte[] LoginVerifier, bool WantsUserKey)
{
    internal byte[] Encode() => PairingFrames.Join(System.Text.Encoding.ASCII.GetBytes(Name), SigningKey, EncryptionKey, LoginVerifier, [WantsUserKey ? (byte)1 : (byte)0]);

    internal static PairingRequest Decode(ReadOnlySpan<byte> bytes)
    {
        var f = PairingFrames.Split(bytes, 5, "pairing request");
        var name = System.Text.Encoding.ASCII.GetString(f[0]);
        if (DeviceEntry.NameProblem(name) is { } problem) throw new PairingException($"The pairing request's device name is not usable: {problem}.");
        if (f[1].Length != Ed25519.PublicKeyLength || !Ed25519.IsValidPublicKey(f[1])) throw new PairingException("The pairing request's node key is not an Ed25519 public key.");
        if (f[2].Length != X25519.PublicKeyLength || f[3].Length != 32 || f[4].Length != 1 || f[4][0] > 1) throw new PairingException("The pairing request is malformed.");
        return new PairingRequest(name, f[1], f[2], f[3], f[4][0] == 1);
    }
}
