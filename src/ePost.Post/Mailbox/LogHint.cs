using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Binary;

namespace ePost.Post.Mailbox;

/// <summary>One log a <see cref="LogHint"/> names: its label, and the sequence number and newest entry block of the head its writer pushed.</summary>
/// <param name="Label">The log's label (root or a folder).</param>
/// <param name="Seq">The pushed head's sequence number.</param>
/// <param name="Newest">The pushed head's newest entry block.</param>
public sealed record HintedHead(string Label, long Seq, RingId Newest);

/// <summary>
/// "My logs moved": what one device of a user tells the user's other online devices after it pushed new log records to
/// the ring, so they check those heads now instead of at the next periodic head check.
/// </summary>
/// <remarks>
/// <para>It is only a hint. A receiver never takes a record, a head or a number from it: it reads the heads from the
/// ring, as its periodic check would, and verifies them as always. The hint only decides <i>when</i> to look, so the
/// worst a replayed or stale hint can cause is one head lookup, and a hint naming an entry the receiver already holds
/// is ignored outright (which is what makes replays cheap).</para>
/// <para>Encoding (signed bytes are <see cref="Domain"/> then the payload; the signature follows the payload):</para>
/// <code>
///   signer key      u32 length + 32 bytes (the user's signing key now; a device key once devices have their own)
///   user            u32 length + UTF-8 address
///   sender node     20 bytes (the node that sends it: the receiver checks it is the authenticated peer)
///   count           1 byte, 1..MaxHeads
///   per head        u32 length + UTF-8 label, i64 seq, 20 bytes newest entry block id
///   signature       64 bytes, Ed25519 over Domain | payload
/// </code>
/// </remarks>
/// <param name="SignerKey">The key that signed it.</param>
/// <param name="User">The user whose logs moved.</param>
/// <param name="Sender">The node that sent it.</param>
/// <param name="Heads">The logs that moved.</param>
public sealed record LogHint(byte[] SignerKey, string User, RingId Sender, IReadOnlyList<HintedHead> Heads)
{
    /// <summary>Domain tag that starts the signed bytes.</summary>
    public const string Domain = "epost/log-hint/v1";

    /// <summary>Most logs one hint names; a writer with more moved logs sends the rest in its next hint.</summary>
    public const int MaxHeads = 32;

    /// <summary>Longest encoded hint: a larger one is refused unread.</summary>
    public const int MaxBytes = 4096;

    private const int MaxLabelBytes = 64;
    private const int MaxAddressBytes = 320;

    /// <summary>Encodes and signs a hint.</summary>
    /// <exception cref="ArgumentException">When there are no heads or more than <see cref="MaxHeads"/>, or a label or the address is too long.</exception>
    public static byte[] Sign(Ed25519KeyPair signer, string user, RingId sender, IReadOnlyList<HintedHead> heads)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(heads);
        if (heads.Count is 0 or > MaxHeads) throw new ArgumentException($"A hint names 1 to {MaxHeads} logs, not {heads.Count}.", nameof(heads));
        if (Encoding.UTF8.GetByteCount(user) > MaxAddressBytes) throw new ArgumentException("The address is too long for a hint.", nameof(user));
        var writer = new FieldWriter().Bytes(signer.PublicKey).Text(user).Raw(sender.ToBytes()).Byte((byte)heads.Count);
        foreach (var head in heads)
        {
            if (Encoding.UTF8.GetByteCount(head.Label) > MaxLabelBytes) throw new ArgumentException($"Log label {head.Label} is too long for a hint.", nameof(heads));
            writer.Text(head.Label).Int64(head.Seq).Raw(head.Newest.ToBytes());
        }
        var payload = writer.ToArray();
        return [.. payload, .. signer.Sign(Signed(payload))];
    }

    /// <summary>Reads a hint and checks its signature by the key it names (whether that key may speak for the user is the caller's check).</summary>
    /// <exception cref="FormatException">When it is too large, malformed, or its signature does not verify.</exception>
    public static LogHint Open(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > MaxBytes) throw new FormatException($"A hint of {encoded.Length} bytes is over the limit of {MaxBytes}.");
        if (encoded.Length <= Ed25519.SignatureLength) throw new FormatException("The hint is truncated.");
        var payload = encoded[..^Ed25519.SignatureLength];
        var reader = new FieldReader(payload, "log hint");
        var signer = reader.Bytes(Ed25519.PublicKeyLength);
        if (signer.Length != Ed25519.PublicKeyLength) throw new FormatException("The hint's signer key is not an Ed25519 key.");
        var user = reader.Text(MaxAddressBytes);
        var sender = RingId.FromBytes(reader.Raw(RingId.ByteLength));
        var count = reader.Byte();
        if (count is 0 or > MaxHeads) throw new FormatException($"A hint names 1 to {MaxHeads} logs, not {count}.");
        var heads = new List<HintedHead>(count);
        for (var i = 0; i < count; i++)
            heads.Add(new HintedHead(reader.Text(MaxLabelBytes), reader.Int64(), RingId.FromBytes(reader.Raw(RingId.ByteLength))));
        reader.End();
        if (!Ed25519.Verify(signer, Signed(payload), encoded[^Ed25519.SignatureLength..]))
            throw new FormatException("The hint's signature does not verify.");
        return new LogHint(signer, user, sender, heads);
    }

    private static byte[] Signed(ReadOnlySpan<byte> payload) => [.. Encoding.ASCII.GetBytes(Domain), .. payload];
}
