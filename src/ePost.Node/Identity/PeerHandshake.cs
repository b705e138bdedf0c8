using System.Buffers.Binary;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Node.Identity;

/// <summary>One side's opening frame of the peer handshake: its node certificate, a fresh nonce and the address it claims.</summary>
/// <param name="Certificate">The sender's node certificate.</param>
/// <param name="Nonce">32 fresh random bytes.</param>
/// <param name="Address">The sender's canonical Akka address (what its actor paths carry).</param>
/// <param name="Probe">True on a connection opened only to learn which node is at an address (never carries Akka traffic).</param>
public sealed record PeerHello(NodeCertificate Certificate, byte[] Nonce, string Address, bool Probe);

/// <summary>
/// The frames of the mutual challenge-response every association runs before Akka sees a byte (ISO/IEC 9798-3 style,
/// with identities, three passes): the dialing side sends its <see cref="PeerHello"/>; the answering side its hello and
/// its proof; the dialing side its proof. A proof is Ed25519(node key, "ePost peer auth v1" ‖ own nonce ‖ peer nonce ‖
/// own node id ‖ peer node id ‖ own address).
/// </summary>
/// <remarks>
/// Hello: 0xE1 ‖ version 0x01 ‖ flags (bit 0: probe) ‖ nonce (32) ‖ certificate length (u16 BE) ‖ certificate ‖
/// address length (u16 BE) ‖ address (UTF-8). Proof: 0xE2 ‖ version 0x01 ‖ signature (64). Nothing else is a frame.
/// The peer id in the signed text makes a proof worthless on any connection but the one to that peer; the nonces make
/// it worthless on any other connection to it.
/// </remarks>
public static class PeerHandshake
{
    /// <summary>Bytes in a nonce.</summary>
    public const int NonceLength = 32;

    /// <summary>The longest address a hello may claim.</summary>
    public const int MaxAddressLength = 512;

    /// <summary>The longest handshake frame; anything longer ends the association.</summary>
    public const int MaxFrameLength = 3 + NonceLength + 2 + NodeCertificate.MaxEncodedLength + 2 + MaxAddressLength;

    private const byte HelloType = 0xE1;
    private const byte ProofType = 0xE2;
    private const byte Version = 1;
    private const int ProofLength = 2 + Ed25519.SignatureLength;
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("ePost peer auth v1");

    /// <summary>Encodes a hello.</summary>
    public static byte[] Encode(PeerHello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        var certificate = hello.Certificate.Encode();
        var address = Encoding.UTF8.GetBytes(hello.Address);
        if (hello.Nonce.Length != NonceLength) throw new ArgumentException("A nonce is 32 bytes.", nameof(hello));
        if (address.Length > MaxAddressLength) throw new ArgumentException($"An address is at most {MaxAddressLength} bytes.", nameof(hello));
        var frame = new byte[3 + NonceLength + 2 + certificate.Length + 2 + address.Length];
        frame[0] = HelloType;
        frame[1] = Version;
        frame[2] = hello.Probe ? (byte)1 : (byte)0;
        hello.Nonce.CopyTo(frame, 3);
        var at = 3 + NonceLength;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), (ushort)certificate.Length);
        certificate.CopyTo(frame, at + 2);
        at += 2 + certificate.Length;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), (ushort)address.Length);
        address.CopyTo(frame, at + 2);
        return frame;
    }

    /// <summary>Decodes a hello, or says why the bytes are not one; never throws on what a peer sent.</summary>
    public static bool TryDecodeHello(ReadOnlySpan<byte> frame, out PeerHello? hello, out string reason)
    {
        hello = null;
        if (frame.Length > MaxFrameLength || frame.Length < 3 + NonceLength + 4 || frame[0] != HelloType || frame[1] != Version || frame[2] > 1)
        {
            reason = "the first frame is not a peer hello of version 1";
            return false;
        }
        var at = 3 + NonceLength;
        int certificateLength = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        if (certificateLength > NodeCertificate.MaxEncodedLength || at + 2 + certificateLength + 2 > frame.Length)
        {
            reason = "the hello's certificate length is out of bounds";
            return false;
        }
        if (!NodeCertificate.TryDecode(frame.Slice(at + 2, certificateLength), out var certificate, out var problem))
        {
            reason = "the hello's node certificate does not decode: " + problem;
            return false;
        }
        at += 2 + certificateLength;
        int addressLength = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        if (addressLength is 0 or > MaxAddressLength || at + 2 + addressLength != frame.Length)
        {
            reason = "the hello's address length is out of bounds";
            return false;
        }
        string address;
        try { address = new UTF8Encoding(false, true).GetString(frame.Slice(at + 2, addressLength)); }
        catch (DecoderFallbackException)
        {
            reason = "the hello's address is not UTF-8";
            return false;
        }
        hello = new PeerHello(certificate, frame.Slice(3, NonceLength).ToArray(), address, frame[2] == 1);
        reason = "";
        return true;
    }

    /// <summary>The proof frame carrying <paramref name="signature"/>.</summary>
    public static byte[] EncodeProof(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519.SignatureLength) throw new ArgumentException("An Ed25519 signature is 64 bytes.", nameof(signature));
        var frame = new byte[ProofLength];
        frame[0] = ProofType;
        frame[1] = Version;
        signature.CopyTo(frame.AsSpan(2));
        return frame;
    }

    /// <summary>The signature in a proof frame, or null when the bytes are not one.</summary>
    public static byte[]? TryDecodeProof(ReadOnlySpan<byte> frame) =>
        frame.Length == ProofLength && frame[0] == ProofType && frame[1] == Version ? frame[2..].ToArray() : null;

    /// <summary>The bytes a side signs (and the other verifies) to prove it holds <paramref name="own"/>'s key on this connection.</summary>
    public static byte[] SignedText(ReadOnlySpan<byte> ownNonce, ReadOnlySpan<byte> peerNonce, RingId own, RingId peer, string ownAddress)
    {
        var address = Encoding.UTF8.GetBytes(ownAddress);
        var text = new byte[Domain.Length + 2 * NonceLength + 2 * RingId.ByteLength + address.Length];
        var span = text.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        ownNonce.CopyTo(span);
        peerNonce.CopyTo(span[NonceLength..]);
        span = span[(2 * NonceLength)..];
        own.WriteBytes(span);
        peer.WriteBytes(span[RingId.ByteLength..]);
        address.CopyTo(span[(2 * RingId.ByteLength)..]);
        return text;
    }

    /// <summary>This side's proof for a connection on which it sent <paramref name="own"/> and received <paramref name="peer"/>.</summary>
    public static byte[] Prove(NodeCredential credential, PeerHello own, PeerHello peer) =>
        credential.NodeKey.Sign(SignedText(own.Nonce, peer.Nonce, credential.NodeId, peer.Certificate.NodeId, own.Address));

    /// <summary>True when <paramref name="signature"/> proves that the sender of <paramref name="peer"/> answered <paramref name="own"/>, sent by <paramref name="self"/>, on this connection.</summary>
    public static bool Verify(PeerHello own, PeerHello peer, RingId self, ReadOnlySpan<byte> signature) =>
        Ed25519.Verify(peer.Certificate.NodePublicKey, SignedText(peer.Nonce, own.Nonce, peer.Certificate.NodeId, self, peer.Address), signature);
}
