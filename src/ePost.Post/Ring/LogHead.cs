using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Binary;
using ePost.Storage.Objects;

namespace ePost.Post.Ring;

/// <summary>
/// The signed head of one of a user's logs: the newest entry and the folder counters, readable only by the owner.
/// Stored as a <see cref="SignedObject"/> owned by the user's signing key under the log's label; its version is the
/// sequence number of the newest entry, so replicas keep the newest head and refuse an older one replayed.
/// </summary>
/// <param name="Label">The log's label: <see cref="RootLabel"/> or <see cref="FolderLabel"/>.</param>
/// <param name="Seq">Sequence number of the newest entry (0 for an empty log).</param>
/// <param name="Newest">Id of the newest entry's block, or null for an empty log.</param>
/// <param name="UidValidity">The folder's UIDVALIDITY (0 for the root log).</param>
/// <param name="UidNext">The folder's UIDNEXT (0 for the root log).</param>
/// <remarks>
/// Payload layout: u8 version = 1 | u32 length | the log key wrapped for the owner's X25519 key (context
/// "epost/log-key/v1|" ‖ label) | AES-256-GCM box under the log key (associated data: "epost/log-head/v1|" ‖ label)
/// of: u64 seq | u8 has newest | newest id (20, when present) | u32 UIDVALIDITY | u32 UIDNEXT. The box repeats the
/// sequence number, and a head whose boxed number differs from its signed version is refused.
/// </remarks>
public sealed record LogHead(string Label, long Seq, RingId? Newest, uint UidValidity, uint UidNext)
{
    /// <summary>The label of a user's root log.</summary>
    public const string RootLabel = "root";

    private const byte Version = 1;

    private const string FolderPrefix = "folder/";

    /// <summary>The label of the folder log with this id.</summary>
    public static string FolderLabel(ulong folderId) => $"{FolderPrefix}{folderId:x16}";

    /// <summary>The folder id a <see cref="FolderLabel"/> names.</summary>
    public static ulong FolderIdOf(string folderLabel) =>
        ulong.Parse(folderLabel[FolderPrefix.Length..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The ring id of an owner's log head.</summary>
    public static RingId IdOf(UserKeys owner, string label) => SignedObject.IdFor(owner.Signing.PublicKey, label);

    /// <summary>A fresh random key for a new log.</summary>
    public static byte[] NewLogKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Signs this head, with the log key wrapped for the owner.</summary>
    /// <param name="owner">The user's keys.</param>
    /// <param name="logKey">The log key.</param>
    /// <param name="random">Randomness for the wrap and the box.</param>
    /// <param name="devices">
    /// The user's newest device list, attached when given so that every replica of the head learns it (and from then on
    /// refuses writes of the devices it revokes, <see cref="DeviceListBook"/>).
    /// </param>
    public SignedObject Seal(UserKeys owner, ReadOnlySpan<byte> logKey, RandomNumberGenerator random, Core.Devices.DeviceList? devices = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var wrap = KeyWrap.Wrap(owner.Encryption.PublicKey, logKey, KeyContext(Label), random);
        var inner = new FieldWriter().Int64(Seq).Byte(Newest is null ? (byte)0 : (byte)1);
        if (Newest is { } newest) inner.Raw(newest.ToBytes());
        inner.UInt32(UidValidity).UInt32(UidNext);
        var box = AesGcmBox.Seal(logKey, inner.ToArray(), HeadContext(Label), random);
        var payload = new FieldWriter().Byte(Version).Bytes(wrap).Raw(box).ToArray();
        return devices is null
            ? SignedObject.Create(owner.Signing, Label, (ulong)Seq, payload)
            : SignedObject.CreateByDevice(owner.Signing, owner.Signing.PublicKey, Label, (ulong)Seq, payload, devices);
    }

    /// <summary>Verifies and opens a head read from the ring; returns the head and the log key.</summary>
    /// <exception cref="CryptographicException">When the head is not the owner's, does not verify, or does not open.</exception>
    /// <exception cref="FormatException">When the payload is malformed.</exception>
    public static LogHead Open(SignedObject head, UserKeys owner, out byte[] logKey)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(owner);
        if (!head.OwnerKey.Span.SequenceEqual(owner.Signing.PublicKey))
            throw new CryptographicException($"The log head {head.Label} is not signed by {owner.Certificate.Address}'s key.");
        if (!head.IdMatchesOwner() || !head.SignatureIsValid())
            throw new CryptographicException($"The log head {head.Label} v{head.Version} does not verify.");
        var reader = new FieldReader(head.Payload.Span, "log head");
        if (reader.Byte() != Version) throw new FormatException("Unknown log head version.");
        var wrap = reader.Bytes(KeyWrap.Overhead + KeyWrap.MaxKeyLength);
        var box = reader.Raw(reader.Remaining);
        logKey = KeyWrap.Unwrap(owner.Encryption.PrivateKey, wrap, KeyContext(head.Label));
        var inner = new FieldReader(AesGcmBox.Open(logKey, box, HeadContext(head.Label)), "log head");
        var seq = inner.Int64();
        RingId? newest = inner.Byte() switch
        {
            0 => null,
            1 => RingId.FromBytes(inner.Raw(RingId.ByteLength)),
            _ => throw new FormatException("A log head's newest-entry flag is neither 0 nor 1."),
        };
        var uidValidity = inner.UInt32();
        var uidNext = inner.UInt32();
        inner.End();
        if (seq < 0 || (ulong)seq != head.Version)
            throw new CryptographicException($"The log head {head.Label} is signed as v{head.Version} but holds entry {seq}.");
        return new LogHead(head.Label, seq, newest, uidValidity, uidNext);
    }

    private static byte[] KeyContext(string label) => System.Text.Encoding.UTF8.GetBytes("epost/log-key/v1|" + label);

    private static byte[] HeadContext(string label) => System.Text.Encoding.UTF8.GetBytes("epost/log-head/v1|" + label);
}
