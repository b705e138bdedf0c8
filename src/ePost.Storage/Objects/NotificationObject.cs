using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Hashing;
using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>
/// A delivery notification waiting in the ring for its recipient: opaque (encrypted, sender-signed) bytes stored near
/// the recipient's user id, until the recipient withdraws it with a signed receipt.
/// </summary>
/// <remarks>
/// <para>Id: the first <see cref="PrefixBytes"/> bytes of the recipient's user id, then the first 12 bytes of
/// SHA-256("epost/notification-id/v1" ‖ recipient key ‖ body). Every notification of a user therefore sits in one
/// small arc right after the user id, on the same replicas, and a recipient lists that arc to collect its mail; the
/// hash part binds the id to the body, so nobody can choose an id that collides with someone else's notification.</para>
/// <para>Withdrawn form: the same id and recipient key, no body, and the recipient's Ed25519 signature over
/// "epost/notification-withdrawn/v1" ‖ id. It replaces the pending form only when the recipient keys match; replicas
/// keep it for the rest of the lease so that repair does not bring the pending copy back. Holders cannot tie the key
/// to the address (that needs the certificate); a stranger can only withdraw notifications that name the stranger's
/// own key, which no honest sender writes.</para>
/// </remarks>
public sealed class NotificationObject : StoredObject
{
    /// <summary>Bytes of the recipient's user id that start every notification id of that user.</summary>
    public const int PrefixBytes = 8;

    private static readonly byte[] IdDomain = Encoding.ASCII.GetBytes("epost/notification-id/v1");
    private static readonly byte[] WithdrawDomain = Encoding.ASCII.GetBytes("epost/notification-withdrawn/v1");

    /// <summary>An object as received (either form); check it with <see cref="ObjectValidator"/>.</summary>
    public NotificationObject(RingId id, ReadOnlyMemory<byte> recipientKey, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> withdrawal) : base(id)
    {
        if (recipientKey.Length != Ed25519.PublicKeyLength)
            throw new ArgumentException($"A recipient key is {Ed25519.PublicKeyLength} bytes, not {recipientKey.Length}.", nameof(recipientKey));
        if (!withdrawal.IsEmpty && withdrawal.Length != Ed25519.SignatureLength)
            throw new ArgumentException($"A withdrawal signature is {Ed25519.SignatureLength} bytes, not {withdrawal.Length}.", nameof(withdrawal));
        if (!withdrawal.IsEmpty && !body.IsEmpty)
            throw new ArgumentException("A withdrawn notification carries no body.", nameof(body));
        RecipientKey = recipientKey;
        Body = body;
        Withdrawal = withdrawal;
    }

    /// <summary>The recipient's Ed25519 public key (from the recipient's certificate).</summary>
    public ReadOnlyMemory<byte> RecipientKey { get; }

    /// <summary>The sealed notification (empty once withdrawn).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The recipient's signature that withdrew it, or empty while pending.</summary>
    public ReadOnlyMemory<byte> Withdrawal { get; }

    /// <summary>True once the recipient withdrew it.</summary>
    public bool IsWithdrawn => !Withdrawal.IsEmpty;

    /// <inheritdoc />
    public override ObjectKind Kind => ObjectKind.Notification;

    /// <inheritdoc />
    public override int EncodedLength => ObjectCodec.NotificationOverhead + (IsWithdrawn ? Ed25519.SignatureLength : 4 + Body.Length);

    /// <summary>A pending notification of <paramref name="body"/> for the user <paramref name="recipientId"/> with signing key <paramref name="recipientKey"/>.</summary>
    public static NotificationObject Deposit(RingId recipientId, ReadOnlySpan<byte> recipientKey, ReadOnlySpan<byte> body) =>
        new(IdFor(recipientId, recipientKey, body), recipientKey.ToArray(), body.ToArray(), ReadOnlyMemory<byte>.Empty);

    /// <summary>The withdrawn form of this notification, signed by the recipient.</summary>
    /// <exception cref="ArgumentException">When <paramref name="recipient"/> is not the key this notification names.</exception>
    public NotificationObject Withdraw(Ed25519KeyPair recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (!recipient.PublicKey.AsSpan().SequenceEqual(RecipientKey.Span))
            throw new ArgumentException("Only the recipient named in a notification can withdraw it.", nameof(recipient));
        return new NotificationObject(Id, RecipientKey, ReadOnlyMemory<byte>.Empty, recipient.Sign(WithdrawnBytes(Id)));
    }

    /// <summary>The id of a notification (see the remarks).</summary>
    public static RingId IdFor(RingId recipientId, ReadOnlySpan<byte> recipientKey, ReadOnlySpan<byte> body)
    {
        var input = new byte[IdDomain.Length + recipientKey.Length + body.Length];
        IdDomain.CopyTo(input, 0);
        recipientKey.CopyTo(input.AsSpan(IdDomain.Length));
        body.CopyTo(input.AsSpan(IdDomain.Length + recipientKey.Length));
        var digest = Sha256.Hash(input);
        Span<byte> id = stackalloc byte[RingId.ByteLength];
        recipientId.WriteBytes(id);
        digest.AsSpan(0, RingId.ByteLength - PrefixBytes).CopyTo(id[PrefixBytes..]);
        return RingId.FromBytes(id);
    }

    /// <summary>The arc that holds every notification id of <paramref name="recipientId"/> (both ends inclusive).</summary>
    public static (RingId First, RingId Last) ArcOf(RingId recipientId)
    {
        Span<byte> bytes = stackalloc byte[RingId.ByteLength];
        recipientId.WriteBytes(bytes);
        bytes[PrefixBytes..].Clear();
        var first = RingId.FromBytes(bytes);
        bytes[PrefixBytes..].Fill(0xFF);
        return (first, RingId.FromBytes(bytes));
    }

    /// <summary>True when the id is the one the recipient key and body derive (pending form only).</summary>
    public bool IdMatchesBody() => IdFor(Id, RecipientKey.Span, Body.Span) == Id;

    /// <summary>True when the withdrawal verifies under the recipient key.</summary>
    public bool WithdrawalIsValid() => IsWithdrawn && Ed25519.Verify(RecipientKey.Span, WithdrawnBytes(Id), Withdrawal.Span);

    private static byte[] WithdrawnBytes(RingId id)
    {
        var bytes = new byte[WithdrawDomain.Length + RingId.ByteLength];
        WithdrawDomain.CopyTo(bytes, 0);
        id.WriteBytes(bytes.AsSpan(WithdrawDomain.Length));
        return bytes;
    }
}
