using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ePost.Core.Ids;

namespace ePost.Core.Crypto;

/// <summary>Who signed a <see cref="NodeCertificate"/>.</summary>
public enum NodeCertificateKind : byte
{
    /// <summary>The ring CA itself admitted the node.</summary>
    Ring = 1,

    /// <summary>A CA-certified user admitted the node as one of that user's own devices.</summary>
    Device = 2,
}

/// <summary>A node's identity as the ring vouches for it: the node id and the node's Ed25519 public key, signed by the ring CA or by a CA-certified user for one of the user's devices.</summary>
/// <remarks>
/// <para>Canonical encoding (all integers big-endian):</para>
/// <code>
/// "EPNODE" (6 ASCII bytes) ‖ version (1 byte, 0x01) ‖ kind (1 byte: 0x01 ring, 0x02 device) ‖ ring CA Ed25519 public key (32)
/// ‖ serial (u64: the CA's counter for ring certificates, the device index for device certificates)
/// ‖ node id (20: first 160 bits of SHA-256 of the node public key) ‖ node Ed25519 public key (32)
/// ‖ device only: the user's <see cref="UserCertificate.PublishedForm"/> (<see cref="UserCertificate.PublishedLength"/> bytes)
/// ‖ Ed25519 signature over every preceding byte (64): by the CA (ring) or by the user's signing key (device)
/// </code>
/// <para>The node id is not chosen: the decoder refuses a certificate whose id is not the hash of its key. There are no
/// validity dates, since no check between nodes may depend on clocks agreeing; a certificate ends by revocation
/// (<see cref="NodeRevocationList"/>). A device certificate carries the user's certificate, so it verifies with
/// nothing but the CA key, and its device index must be below the ring's per-user device limit. The magic prefix
/// separates node certificates from everything else the CA or a user key signs. Exactly one encoding per
/// certificate: any other version, kind, length or trailing byte is refused.</para>
/// </remarks>
public sealed class NodeCertificate
{
    /// <summary>The version this code writes and the only one it reads.</summary>
    public const byte Version = 1;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("EPNODE");
    private const int KindOffset = 7;
    private const int IssuerOffset = 8;
    private const int SerialOffset = IssuerOffset + Ed25519.PublicKeyLength;
    private const int NodeIdOffset = SerialOffset + 8;
    private const int NodeKeyOffset = NodeIdOffset + RingId.ByteLength;
    private const int FixedLength = NodeKeyOffset + Ed25519.PublicKeyLength;

    /// <summary>Length of a ring-signed certificate.</summary>
    public const int RingLength = FixedLength + Ed25519.SignatureLength;

    /// <summary>Length of a device certificate (it carries the user's published certificate).</summary>
    public const int DeviceLength = FixedLength + UserCertificate.PublishedLength + Ed25519.SignatureLength;

    /// <summary>Largest encoding of any kind.</summary>
    public const int MaxEncodedLength = DeviceLength;

    private readonly byte[] _encoded;

    private NodeCertificate(byte[] encoded)
    {
        _encoded = encoded;
        Kind = (NodeCertificateKind)encoded[KindOffset];
        Serial = BinaryPrimitives.ReadUInt64BigEndian(encoded.AsSpan(SerialOffset));
        NodeId = RingId.FromBytes(encoded.AsSpan(NodeIdOffset, RingId.ByteLength));
    }

    /// <summary>Who signed it.</summary>
    public NodeCertificateKind Kind { get; }

    /// <summary>The CA's serial (ring certificates) or the device index within the user's allowance (device certificates).</summary>
    public ulong Serial { get; }

    /// <summary>The certified node id: first 160 bits of SHA-256 of <see cref="NodePublicKey"/>.</summary>
    public RingId NodeId { get; }

    /// <summary>The ring CA's public key this certificate chains to.</summary>
    public byte[] IssuerPublicKey => _encoded.AsSpan(IssuerOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>The node's Ed25519 public key.</summary>
    public byte[] NodePublicKey => _encoded.AsSpan(NodeKeyOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>For a device certificate, the published certificate of the user who signed it; else null.</summary>
    public byte[]? UserCertificatePublished => Kind == NodeCertificateKind.Device
        ? _encoded.AsSpan(FixedLength, UserCertificate.PublishedLength).ToArray()
        : null;

    internal ReadOnlySpan<byte> SignedBytes => _encoded.AsSpan(0, _encoded.Length - Ed25519.SignatureLength);

    internal ReadOnlySpan<byte> Signature => _encoded.AsSpan(_encoded.Length - Ed25519.SignatureLength);

    /// <summary>The canonical encoding (what <c>node.cert</c> holds and the TLS certificate carries).</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>The certificate in its canonical encoding; signatures are not checked here (see <see cref="Verify"/>).</summary>
    /// <exception cref="FormatException">With the reason, when the bytes are not a canonical node certificate of this version.</exception>
    public static NodeCertificate Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < RingLength || encoded.Length > MaxEncodedLength)
            throw new FormatException($"A node certificate is {RingLength} or {DeviceLength} bytes; this one has {encoded.Length}.");
        if (!encoded[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("Not a node certificate: the EPNODE prefix is missing.");
        if (encoded[Magic.Length] != Version)
            throw new FormatException($"Unknown node certificate version {encoded[Magic.Length]}; this node reads version {Version}.");
        var length = (NodeCertificateKind)encoded[KindOffset] switch
        {
            NodeCertificateKind.Ring => RingLength,
            NodeCertificateKind.Device => DeviceLength,
            _ => throw new FormatException($"Unknown node certificate kind {encoded[KindOffset]}."),
        };
        if (encoded.Length != length)
            throw new FormatException($"A {(NodeCertificateKind)encoded[KindOffset]} node certificate is {length} bytes; this one has {encoded.Length}.");
        var nodeKey = encoded.Slice(NodeKeyOffset, Ed25519.PublicKeyLength);
        if (RingId.FromBytes(encoded.Slice(NodeIdOffset, RingId.ByteLength)) != RingId.FromSha256(nodeKey))
            throw new FormatException("The node certificate's node id is not the SHA-256 of its node key.");
        return new NodeCertificate(encoded.ToArray());
    }

    /// <summary>Like <see cref="Decode"/>, but false with the reason instead of an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out NodeCertificate? certificate, out string reason)
    {
        try
        {
            certificate = Decode(encoded);
            reason = "";
            return true;
        }
        catch (FormatException e)
        {
            certificate = null;
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Checks the certificate against the ring CA: issued for this CA, signature valid (for a device, the user's
    /// certificate is valid and signed the node key), device index below <paramref name="maxDevicesPerUser"/>, and
    /// not revoked by <paramref name="revocations"/>.
    /// </summary>
    public static NodeCertificateVerdict Verify(ReadOnlySpan<byte> caPublicKey, NodeCertificate certificate, int maxDevicesPerUser, NodeRevocationList? revocations = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var id = certificate.NodeId.ToShortString();
        if (!CryptographicOperations.FixedTimeEquals(certificate._encoded.AsSpan(IssuerOffset, Ed25519.PublicKeyLength), caPublicKey))
            return new(NodeCertificateRejection.OtherAuthority, $"The certificate of node {id} chains to another CA.", certificate);
        byte[] signer;
        if (certificate.Kind == NodeCertificateKind.Ring)
        {
            signer = caPublicKey.ToArray();
        }
        else
        {
            var user = certificate.UserCertificatePublished!;
            if (CertificateAuthority.VerifyPublished(caPublicKey, user) is { } problem)
                return new(NodeCertificateRejection.BadUserCertificate, $"The user certificate in the device certificate of node {id} is not valid: {problem}", certificate);
            if (certificate.Serial >= (ulong)Math.Max(0, maxDevicesPerUser))
                return new(NodeCertificateRejection.TooManyDevices, $"Node {id} is device {certificate.Serial} of its user; the ring allows {maxDevicesPerUser} devices per user.", certificate);
            signer = UserCertificate.SigningKeyOfPublished(user);
        }
        if (!Ed25519.Verify(signer, certificate.SignedBytes, certificate.Signature))
            return new(NodeCertificateRejection.BadSignature, $"The signature on the certificate of node {id} does not verify: it was forged or altered.", certificate);
        if (revocations is not null && revocations.IsRevoked(certificate.NodeId))
            return new(NodeCertificateRejection.Revoked, $"Node {id} is revoked (revocation list {revocations.Number}).", certificate);
        return new(NodeCertificateRejection.None, $"Valid {certificate.Kind.ToString().ToLowerInvariant()} certificate of node {id}, serial {certificate.Serial}.", certificate);
    }

    /// <summary>Decodes and checks a certificate as received from the network.</summary>
    public static NodeCertificateVerdict Verify(ReadOnlySpan<byte> caPublicKey, ReadOnlySpan<byte> encoded, int maxDevicesPerUser, NodeRevocationList? revocations = null) =>
        TryDecode(encoded, out var certificate, out var reason)
            ? Verify(caPublicKey, certificate, maxDevicesPerUser, revocations)
            : new(NodeCertificateRejection.Malformed, reason, null);

    /// <summary>A device certificate: <paramref name="user"/> admits the node whose key is <paramref name="nodePublicKey"/> as its device number <paramref name="deviceIndex"/>.</summary>
    /// <exception cref="ArgumentException">When the node key is not 32 bytes.</exception>
    public static NodeCertificate IssueForDevice(UserKeys user, ReadOnlySpan<byte> nodePublicKey, ulong deviceIndex)
    {
        ArgumentNullException.ThrowIfNull(user);
        var published = user.Certificate.PublishedForm();
        return Create(NodeCertificateKind.Device, user.Certificate.IssuerPublicKey, deviceIndex, nodePublicKey, published, m => user.Signing.Sign(m));
    }

    /// <summary>Builds and signs a certificate; <see cref="CertificateAuthority.IssueNode"/> and <see cref="IssueForDevice"/> call this.</summary>
    internal static NodeCertificate Create(NodeCertificateKind kind, ReadOnlySpan<byte> caPublicKey, ulong serial, ReadOnlySpan<byte> nodePublicKey,
        ReadOnlySpan<byte> userPublished, Func<byte[], byte[]> sign)
    {
        if (nodePublicKey.Length != Ed25519.PublicKeyLength)
            throw new ArgumentException($"An Ed25519 public key is {Ed25519.PublicKeyLength} bytes, not {nodePublicKey.Length}.", nameof(nodePublicKey));
        var encoded = new byte[kind == NodeCertificateKind.Ring ? RingLength : DeviceLength];
        var span = encoded.AsSpan();
        Magic.CopyTo(span);
        span[Magic.Length] = Version;
        span[KindOffset] = (byte)kind;
        caPublicKey.CopyTo(span[IssuerOffset..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[SerialOffset..], serial);
        RingId.FromSha256(nodePublicKey).WriteBytes(span[NodeIdOffset..]);
        nodePublicKey.CopyTo(span[NodeKeyOffset..]);
        userPublished.CopyTo(span[FixedLength..]);
        sign(encoded[..^Ed25519.SignatureLength]).CopyTo(span[^Ed25519.SignatureLength..]);
        return new NodeCertificate(encoded);
    }

    /// <summary>Kind, node id and serial, for logs.</summary>
    public override string ToString() => $"NodeCertificate({Kind}, node {NodeId.ToShortString()}, serial {Serial})";
}
