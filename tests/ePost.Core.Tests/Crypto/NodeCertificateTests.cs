using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Core.Tests.Crypto;

public class NodeCertificateTests
{
    private const int Devices = 3;
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);

    private static byte[] NewNodeKey() => Ed25519.Generate(Random).PublicKey;

    [Fact]
    public void Ring_certificate_binds_the_node_id_to_the_hash_of_the_node_key_and_verifies()
    {
        var key = NewNodeKey();
        var certificate = Ca.IssueNode(key, 9);
        Assert.Equal(NodeCertificateKind.Ring, certificate.Kind);
        Assert.Equal(RingId.FromSha256(key), certificate.NodeId);
        Assert.Equal(key, certificate.NodePublicKey);
        Assert.Equal(9UL, certificate.Serial);
        var verdict = NodeCertificate.Verify(Ca.PublicKey, certificate.Encode(), Devices);
        Assert.True(verdict.IsValid, verdict.Reason);
    }

    [Fact]
    public void Encoding_has_the_documented_layout_and_round_trips()
    {
        var key = NewNodeKey();
        var encoded = Ca.IssueNode(key, 0x0102030405060708).Encode();
        Assert.Equal(NodeCertificate.RingLength, encoded.Length);
        Assert.Equal("EPNODE"u8.ToArray(), encoded[..6]);
        Assert.Equal(1, encoded[6]);
        Assert.Equal(1, encoded[7]);
        Assert.Equal(Ca.PublicKey, encoded[8..40]);
        Assert.Equal(Convert.FromHexString("0102030405060708"), encoded[40..48]);
        Assert.Equal(RingId.FromSha256(key).ToBytes(), encoded[48..68]);
        Assert.Equal(key, encoded[68..100]);
        Assert.True(Ed25519.Verify(Ca.PublicKey, encoded[..100], encoded[100..]));
        Assert.Equal(encoded, NodeCertificate.Decode(encoded).Encode());
    }

    [Fact]
    public void Forged_signature_is_refused()
    {
        var encoded = Ca.IssueNode(NewNodeKey(), 1).Encode();
        encoded[^1] ^= 1;
        Assert.Equal(NodeCertificateRejection.BadSignature, NodeCertificate.Verify(Ca.PublicKey, encoded, Devices).Rejection);
    }

    [Fact]
    public void A_certificate_for_another_key_with_the_id_swapped_in_is_malformed()
    {
        var encoded = Ca.IssueNode(NewNodeKey(), 1).Encode();
        RingId.FromSha256(NewNodeKey()).WriteBytes(encoded.AsSpan(48));
        var verdict = NodeCertificate.Verify(Ca.PublicKey, encoded, Devices);
        Assert.Equal(NodeCertificateRejection.Malformed, verdict.Rejection);
        Assert.Contains("node id", verdict.Reason);
    }

    [Fact]
    public void A_self_made_certificate_from_another_ca_is_refused_even_with_its_key_swapped_in()
    {
        var other = CertificateAuthority.Create(Random);
        var selfMade = other.IssueNode(NewNodeKey(), 1).Encode();
        Assert.Equal(NodeCertificateRejection.OtherAuthority, NodeCertificate.Verify(Ca.PublicKey, selfMade, Devices).Rejection);
        Ca.PublicKey.CopyTo(selfMade.AsSpan(8));
        Assert.Equal(NodeCertificateRejection.BadSignature, NodeCertificate.Verify(Ca.PublicKey, selfMade, Devices).Rejection);
    }

    [Fact]
    public void Trailing_or_missing_bytes_and_unknown_versions_or_kinds_are_refused()
    {
        var encoded = Ca.IssueNode(NewNodeKey(), 1).Encode();
        Assert.Equal(NodeCertificateRejection.Malformed, NodeCertificate.Verify(Ca.PublicKey, [.. encoded, 0], Devices).Rejection);
        Assert.Equal(NodeCertificateRejection.Malformed, NodeCertificate.Verify(Ca.PublicKey, encoded[..^1], Devices).Rejection);
        Assert.Equal(NodeCertificateRejection.Malformed, NodeCertificate.Verify(Ca.PublicKey, [], Devices).Rejection);
        var version = (byte[])encoded.Clone();
        version[6] = 2;
        Assert.Equal(NodeCertificateRejection.Malformed, NodeCertificate.Verify(Ca.PublicKey, version, Devices).Rejection);
        var kind = (byte[])encoded.Clone();
        kind[7] = 2;
        Assert.Equal(NodeCertificateRejection.Malformed, NodeCertificate.Verify(Ca.PublicKey, kind, Devices).Rejection);
        kind[7] = 3;
        Assert.Equal(NodeCertificateRejection.Malformed, NodeCertificate.Verify(Ca.PublicKey, kind, Devices).Rejection);
    }

    [Fact]
    public void A_certified_user_may_admit_its_own_devices_up_to_the_limit()
    {
        var alice = Ca.IssueNewUser("alice@example.org", 1, Random);
        for (ulong device = 0; device < Devices; device++)
        {
            var certificate = NodeCertificate.IssueForDevice(alice, NewNodeKey(), device);
            var verdict = NodeCertificate.Verify(Ca.PublicKey, certificate.Encode(), Devices);
            Assert.True(verdict.IsValid, verdict.Reason);
            Assert.Equal(NodeCertificateKind.Device, verdict.Certificate!.Kind);
            Assert.Equal(alice.Certificate.PublishedForm(), verdict.Certificate.UserCertificatePublished);
        }
        var beyond = NodeCertificate.IssueForDevice(alice, NewNodeKey(), Devices);
        Assert.Equal(NodeCertificateRejection.TooManyDevices, NodeCertificate.Verify(Ca.PublicKey, beyond.Encode(), Devices).Rejection);
        Assert.Equal(NodeCertificateRejection.TooManyDevices, NodeCertificate.Verify(Ca.PublicKey, NodeCertificate.IssueForDevice(alice, NewNodeKey(), 0), 0).Rejection);
    }

    [Fact]
    public void A_device_certificate_from_a_user_of_another_ca_or_with_a_forged_user_certificate_is_refused()
    {
        var other = CertificateAuthority.Create(Random);
        var mallory = other.IssueNewUser("mallory@example.org", 1, Random);
        var foreign = NodeCertificate.IssueForDevice(mallory, NewNodeKey(), 0).Encode();
        Assert.Equal(NodeCertificateRejection.OtherAuthority, NodeCertificate.Verify(Ca.PublicKey, foreign, Devices).Rejection);

        // Mallory signs with her own user key and swaps in alice's CA certificate: the node signature is not by alice's key.
        var alice = Ca.IssueNewUser("alice@example.org", 2, Random);
        var swapped = NodeCertificate.IssueForDevice(mallory, NewNodeKey(), 0).Encode();
        Ca.PublicKey.CopyTo(swapped.AsSpan(8));
        alice.Certificate.PublishedForm().CopyTo(swapped.AsSpan(100));
        Assert.Equal(NodeCertificateRejection.BadSignature, NodeCertificate.Verify(Ca.PublicKey, swapped, Devices).Rejection);

        var forgedUser = NodeCertificate.IssueForDevice(alice, NewNodeKey(), 0).Encode();
        forgedUser[100 + 150] ^= 1;
        Assert.Equal(NodeCertificateRejection.BadUserCertificate, NodeCertificate.Verify(Ca.PublicKey, forgedUser, Devices).Rejection);
    }

    [Fact]
    public void A_revoked_node_is_refused_and_the_higher_numbered_list_wins()
    {
        var alice = Ca.IssueNewUser("alice@example.org", 1, Random);
        var ring = Ca.IssueNode(NewNodeKey(), 1);
        var device = NodeCertificate.IssueForDevice(alice, NewNodeKey(), 0);
        var first = Ca.RevokeNodes(1, [ring.NodeId, device.NodeId]);
        Assert.Null(first.Verify(Ca.PublicKey));
        Assert.Equal(NodeCertificateRejection.Revoked, NodeCertificate.Verify(Ca.PublicKey, ring, Devices, first).Rejection);
        Assert.Equal(NodeCertificateRejection.Revoked, NodeCertificate.Verify(Ca.PublicKey, device, Devices, first).Rejection);

        var second = Ca.RevokeNodes(2, [device.NodeId]);
        Assert.True(second.Supersedes(first));
        Assert.False(first.Supersedes(second));
        Assert.False(first.Supersedes(first));
        Assert.True(NodeCertificate.Verify(Ca.PublicKey, ring, Devices, second).IsValid);
    }

    [Fact]
    public void Revocation_lists_decode_strictly_and_verify_only_for_their_ca()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => RingId.FromSha256(NewNodeKey())).ToList();
        var encoded = Ca.RevokeNodes(7, ids).Encode();
        var decoded = NodeRevocationList.Decode(encoded);
        Assert.Equal(7UL, decoded.Number);
        Assert.Equal(ids.ToHashSet(), decoded.Revoked.ToHashSet());
        Assert.Equal(encoded, decoded.Encode());
        Assert.False(NodeRevocationList.TryDecode([.. encoded, 0], out _, out _));
        Assert.False(NodeRevocationList.TryDecode(encoded[..^1], out _, out _));

        var unsorted = (byte[])encoded.Clone();
        unsorted.AsSpan(51, 20).CopyTo(unsorted.AsSpan(71));
        Assert.False(NodeRevocationList.TryDecode(unsorted, out _, out var reason));
        Assert.Contains("ascending", reason);

        var tampered = (byte[])encoded.Clone();
        tampered[40] ^= 1;
        Assert.NotNull(NodeRevocationList.Decode(tampered).Verify(Ca.PublicKey));
        Assert.NotNull(decoded.Verify(CertificateAuthority.Create(Random).PublicKey));
    }
}
