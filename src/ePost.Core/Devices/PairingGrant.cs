using ePost.Core.Crypto;

namespace ePost.Core.Devices;

/// <summary>What the issuing device gives a new one: its device certificate, the new device list, the user's certificate, and the user's keys only when asked.</summary>
/// <param name="DeviceCertificate">The node certificate signed by the user's key (<see cref="NodeCertificateKind.Device"/>).</param>
/// <param name="DeviceList">The user's device list naming the new device.</param>
/// <param name="UserCertificate">The user's CA-signed certificate, full form.</param>
/// <param name="UserKeyFile">The user's long-term keys sealed under the user's passphrase (<see cref="PassphraseKeyFile"/>), or null: only when the request asked for them.</param>
public sealed record PairingGrant(byte[] DeviceCertificate, byte[] DeviceList, byte[] UserCertificate, string? UserKeyFile)
{
    internal byte[] Encode() => PairingFrames.Join(DeviceCertificate, DeviceList, UserCertificate,
        UserKeyFile is null ? [] : [1, .. System.Text.Encoding.UTF8.GetBytes(UserKeyFile)]);

    internal static PairingGrant Decode(ReadOnlySpan<byte> bytes)
    {
        var f = PairingFrames.Split(bytes, 4, "pairing grant");
        return new PairingGrant(f[0], f[1], f[2], f[3].Length == 0 ? null : System.Text.Encoding.UTF8.GetString(f[3].AsSpan(1)));
    }
}
