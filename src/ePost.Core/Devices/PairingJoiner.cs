using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Core.Devices;

/// <summary>What a new device was given and checked: its certificate, the device list naming it, and the user's certificate.</summary>
/// <param name="Grant">The grant as received.</param>
/// <param name="Certificate">The device's node certificate (valid for the ring CA).</param>
/// <param name="List">The user's device list, signed by the user and naming this device as active.</param>
/// <param name="User">The user's certificate (valid for the ring CA).</param>
/// <param name="Device">This device's entry in <paramref name="List"/>.</param>
public sealed record PairedDevice(PairingGrant Grant, NodeCertificate Certificate, DeviceList List, UserCertificate User, DeviceEntry Device);

/// <summary>The new device's side of pairing: the hello that proves the code, and the check of the answer (<see cref="PairingTranscript"/>).</summary>
public sealed class PairingJoiner
{
    private readonly byte[] _key;
    private readonly byte[] _hello;
    private readonly PairingRequest _request;

    /// <summary>A joiner for <paramref name="code"/> asking for <paramref name="request"/>.</summary>
    public PairingJoiner(PairingCode code, PairingRequest request, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(random);
        _key = code.Key;
        _request = request;
        var tag = code.Tag;
        var nonce = new byte[PairingTranscript.NonceLength];
        random.GetBytes(nonce);
        var encoded = request.Encode();
        _hello = PairingFrames.Join(tag, nonce, encoded, PairingTranscript.JoinerProof(_key, tag, nonce, encoded));
    }

    /// <summary>The first message, to send to the issuing device.</summary>
    public byte[] Hello => (byte[])_hello.Clone();

    /// <summary>Checks the issuing device's answer and what it granted.</summary>
    /// <exception cref="PairingException">With the issuing device's reason when it refused, or why the answer is not acceptable.</exception>
    public PairedDevice Finish(ReadOnlySpan<byte> answer, ReadOnlySpan<byte> caPublicKey, int maxDevicesPerUser)
    {
        if (answer.Length > PairingTranscript.MaxMessageLength) throw new PairingException("The issuing device's answer is too large.");
        if (answer.Length >= 3 && answer[..3].SequenceEqual(new byte[] { 0, 1, 2 }))
        {
            var refused = PairingFrames.Split(answer, 2, "pairing answer");
            throw new PairingException($"The issuing device refused: {System.Text.Encoding.UTF8.GetString(refused[1])}");
        }
        var f = PairingFrames.Split(answer, 4, "pairing answer");
        if (f[0] is not [1] || f[1].Length != PairingTranscript.NonceLength)
            throw new PairingException("The issuing device's answer is malformed.");
        if (!CryptographicOperations.FixedTimeEquals(f[2], PairingTranscript.IssuerProof(_key, _hello, f[1])))
            throw new PairingException("The answer does not prove knowledge of the pairing code: the other side is not your device.");
        if (!AesGcmBox.TryOpen(PairingTranscript.GrantKey(_key, _hello, f[1]), f[3], PairingTranscript.GrantContext, out var plain))
            throw new PairingException("The grant does not open under the pairing code.");
        return Check(PairingGrant.Decode(plain), caPublicKey, maxDevicesPerUser);
    }

    private PairedDevice Check(PairingGrant grant, ReadOnlySpan<byte> caPublicKey, int maxDevicesPerUser)
    {
        var userVerdict = CertificateAuthority.Verify(caPublicKey, grant.UserCertificate);
        if (!userVerdict.IsValid) throw new PairingException($"The user certificate in the grant is not valid for this ring: {userVerdict.Reason}");
        var user = userVerdict.Certificate!;
        var verdict = NodeCertificate.Verify(caPublicKey, grant.DeviceCertificate, maxDevicesPerUser);
        if (!verdict.IsValid) throw new PairingException($"The device certificate in the grant is not valid for this ring: {verdict.Reason}");
        var certificate = verdict.Certificate!;
        if (certificate.Kind != NodeCertificateKind.Device || !certificate.NodePublicKey.AsSpan().SequenceEqual(_request.SigningKey)
            || !certificate.UserCertificatePublished!.AsSpan().SequenceEqual(user.PublishedForm()))
            throw new PairingException("The device certificate in the grant is not a certificate of this node by this user.");
        if (!DeviceList.TryDecode(grant.DeviceList, out var list, out var reason)) throw new PairingException($"The device list in the grant is malformed: {reason}");
        if (list.Verify(user.SigningPublicKey) is { } problem) throw new PairingException(problem);
        if (list.UserId != user.UserId) throw new PairingException("The device list in the grant is another user's.");
        var device = list.FindByKey(_request.SigningKey);
        if (device is null || device.Revoked || device.Index != certificate.Serial || device.Name != _request.Name
            || !device.EncryptionKey.AsSpan().SequenceEqual(_request.EncryptionKey) || !device.LoginVerifier.AsSpan().SequenceEqual(_request.LoginVerifier))
            throw new PairingException("The device list in the grant does not name this device as asked.");
        if (grant.UserKeyFile is not null && !_request.WantsUserKey)
            throw new PairingException("The grant carries the user's long-term keys, which this device did not ask for.");
        return new PairedDevice(grant, certificate, list, user, device);
    }
}
