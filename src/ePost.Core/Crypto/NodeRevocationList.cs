using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ePost.Core.Ids;

namespace ePost.Core.Crypto;

/// <summary>The ring CA's list of revoked node ids: a node on it is refused by every member, whoever signed its certificate.</summary>
/// <remarks>
/// <para>Canonical encoding (all integers big-endian):</para>
/// <code>
/// "EPNREV" (6 ASCII bytes) ‖ version (1 byte, 0x01) ‖ CA Ed25519 public key (32) ‖ number (u64) ‖ count (u32)
/// ‖ count node ids (20 each, strictly ascending) ‖ Ed25519 signature by the CA over every preceding byte (64)
/// </code>
/// <para>Lists are cumulative and numbered by the CA, not dated: of two valid lists the one with the larger number
/// wins (<see cref="Supersedes"/>), so a node never goes back to an older list and clocks do not matter. A node id is
/// the hash of exactly one node key, so revoking the id revokes every certificate for that key (ring or device).
/// The decoder refuses unsorted or repeated ids, a count above <see cref="MaxEntries"/> and trailing bytes.</para>
/// </remarks>
public sealed class NodeRevocationList
{
    /// <summary>The version this code writes and the only one it reads.</summary>
    public const byte Version = 1;

    /// <summary>Most ids one list may hold (bounds what a node reads: 2 MB).</summary>
    public const int MaxEntries = 100_000;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("EPNREV");
    private const int IssuerOffset = 7;
    private const int NumberOffset = IssuerOffset + Ed25519.PublicKeyLength;
    private const int CountOffset = NumberOffset + 8;
    private const int EntriesOffset = CountOffset + 4;

    private readonly byte[] _encoded;
    private readonly HashSet<RingId> _revoked;

    private NodeRevocationList(byte[] encoded, HashSet<RingId> revoked)
    {
        _encoded = encoded;
        _revoked = revoked;
        Number = BinaryPrimitives.ReadUInt64BigEndian(encoded.AsSpan(NumberOffset));
    }

    /// <summary>The CA's number for this list; a larger number supersedes.</summary>
    public ulong Number { get; }

    /// <summary>The revoked node ids.</summary>
    public IReadOnlyCollection<RingId> Revoked => _revoked;

    /// <summary>The public key of the CA that signed it.</summary>
    public byte[] IssuerPublicKey => _encoded.AsSpan(IssuerOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>True when <paramref name="node"/> is revoked.</summary>
    public bool IsRevoked(RingId node) => _revoked.Contains(node);

    /// <summary>True when this list replaces <paramref name="other"/> (null: no list yet).</summary>
    public bool Supersedes(NodeRevocationList? other) => other is null || Number > other.Number;

    /// <summary>The canonical encoding.</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>Decodes a list; the signature is not checked here (see <see cref="Verify"/>).</summary>
    /// <exception cref="FormatException">With the reason, when the bytes are not a canonical list of this version.</exception>
    public static NodeRevocationList Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < EntriesOffset + Ed25519.SignatureLength)
            throw new FormatException($"A node revocation list is at least {EntriesOffset + Ed25519.SignatureLength} bytes; this one has {encoded.Length}.");
        if (!encoded[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("Not a node revocation list: the EPNREV prefix is missing.");
        if (encoded[Magic.Length] != Version)
            throw new FormatException($"Unknown node revocation list version {encoded[Magic.Length]}; this node reads version {Version}.");
        var count = BinaryPrimitives.ReadUInt32BigEndian(encoded[CountOffset..]);
        if (count > MaxEntries)
            throw new FormatException($"A node revocation list holds at most {MaxEntries} ids; this one claims {count}.");
        var length = EntriesOffset + (int)count * RingId.ByteLength + Ed25519.SignatureLength;
        if (encoded.Length != length)
            throw new FormatException($"A node revocation list of {count} ids is {length} bytes; this one has {encoded.Length}.");
        var revoked = new HashSet<RingId>();
        RingId? previous = null;
        for (var i = 0; i < count; i++)
        {
            var id = RingId.FromBytes(encoded.Slice(EntriesOffset + i * RingId.ByteLength, RingId.ByteLength));
            if (previous is { } p && p.CompareTo(id) >= 0)
                throw new FormatException("The node revocation list's ids are not strictly ascending.");
            revoked.Add(id);
            previous = id;
        }
        return new NodeRevocationList(encoded.ToArray(), revoked);
    }

    /// <summary>Like <see cref="Decode"/>, but false with the reason instead of an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out NodeRevocationList? list, out string reason)
    {
        try
        {
            list = Decode(encoded);
            reason = "";
            return true;
        }
        catch (FormatException e)
        {
            list = null;
            reason = e.Message;
            return false;
        }
    }

    /// <summary>Null when the list was signed by the CA whose key is <paramref name="caPublicKey"/>, else the reason.</summary>
    public string? Verify(ReadOnlySpan<byte> caPublicKey)
    {
        if (!CryptographicOperations.FixedTimeEquals(_encoded.AsSpan(IssuerOffset, Ed25519.PublicKeyLength), caPublicKey))
            return $"Node revocation list {Number} was signed by another CA.";
        return Ed25519.Verify(caPublicKey, _encoded.AsSpan(0, _encoded.Length - Ed25519.SignatureLength), _encoded.AsSpan(_encoded.Length - Ed25519.SignatureLength))
            ? null
            : $"The CA signature on node revocation list {Number} does not verify: it was forged or altered.";
    }

    /// <summary>Builds and signs a list; only <see cref="CertificateAuthority.RevokeNodes"/> calls this.</summary>
    internal static NodeRevocationList Create(Ed25519KeyPair ca, ulong number, IEnumerable<RingId> nodes)
    {
        var ids = nodes.Distinct().Order().ToList();
        if (ids.Count > MaxEntries) throw new ArgumentException($"A node revocation list holds at most {MaxEntries} ids, not {ids.Count}.", nameof(nodes));
        var encoded = new byte[EntriesOffset + ids.Count * RingId.ByteLength + Ed25519.SignatureLength];
        var span = encoded.AsSpan();
        Magic.CopyTo(span);
        span[Magic.Length] = Version;
        ca.PublicKey.CopyTo(span[IssuerOffset..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[NumberOffset..], number);
        BinaryPrimitives.WriteUInt32BigEndian(span[CountOffset..], (uint)ids.Count);
        for (var i = 0; i < ids.Count; i++) ids[i].WriteBytes(span[(EntriesOffset + i * RingId.ByteLength)..]);
        ca.Sign(span[..^Ed25519.SignatureLength]).CopyTo(span[^Ed25519.SignatureLength..]);
        return new NodeRevocationList(encoded, ids.ToHashSet());
    }

    /// <summary>Number and size, for logs.</summary>
    public override string ToString() => $"NodeRevocationList({Number}, {_revoked.Count} nodes)";
}
