using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Storage.Objects;

/// <summary>The rules every node applies to an object it receives, stores, reads back or repairs; pure, no I/O.</summary>
public static class ObjectValidator
{
    /// <summary>Decodes and checks bytes from the wire or the database: size, kind, format, then <see cref="Check(StoredObject, int)"/>.</summary>
    /// <param name="encoded">A canonical encoding.</param>
    /// <param name="maxEncodedLength">The size limit.</param>
    /// <param name="value">The decoded object when the result is accepted, otherwise null.</param>
    public static ValidationResult DecodeAndCheck(ReadOnlySpan<byte> encoded, int maxEncodedLength, out StoredObject? value)
    {
        value = null;
        StoredObject decoded;
        try
        {
            decoded = ObjectCodec.Decode(encoded, maxEncodedLength);
        }
        catch (ObjectFormatException e)
        {
            return ValidationResult.Refuse(e.Reason, e.Message);
        }
        var result = Check(decoded, maxEncodedLength);
        if (result.IsAccepted) value = decoded;
        return result;
    }

    /// <summary>Checks what an object says about itself: its size, and that its id and signature are genuine.</summary>
    public static ValidationResult Check(StoredObject value, int maxEncodedLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.EncodedLength > maxEncodedLength)
            return ValidationResult.Refuse(RefusalReason.TooLarge,
                $"Object {value.Id.ToShortString()} encodes to {value.EncodedLength} bytes, over the limit of {maxEncodedLength}.");
        switch (value)
        {
            case ContentBlock block:
                return block.IdMatchesContent()
                    ? ValidationResult.Accepted
                    : ValidationResult.Refuse(RefusalReason.HashMismatch,
                        $"Block {block.Id.ToShortString()} does not hash to its id (its bytes hash to {ContentBlock.IdOf(block.Data.Span).ToShortString()}).");
            case SignedObject signed:
                // Id before signature: a valid signature by the wrong key must still be told apart from forgery.
                if (!signed.IdMatchesOwner())
                    return ValidationResult.Refuse(RefusalReason.IdNotDerivedFromOwner,
                        $"Signed object {signed.Id.ToShortString()} is not the id of its owner key and label \"{signed.Label}\".");
                return signed.SignatureProblem() switch
                {
                    null => ValidationResult.Accepted,
                    var problem when signed.Endorsement is not null => ValidationResult.Refuse(RefusalReason.DeviceNotAuthorized,
                        $"Signed object {signed.Id.ToShortString()} v{signed.Version}: {problem}"),
                    var problem => ValidationResult.Refuse(RefusalReason.BadSignature, $"Signed object {signed.Id.ToShortString()} v{signed.Version}: {problem}."),
                };
            case CertificateObject certificate:
                return CheckCertificate(certificate);
            case NotificationObject notification:
                if (notification.IsWithdrawn)
                    return notification.WithdrawalIsValid()
                        ? ValidationResult.Accepted
                        : ValidationResult.Refuse(RefusalReason.BadNotification,
                            $"Notification {notification.Id.ToShortString()}: the withdrawal is not signed by its recipient key.");
                return notification.IdMatchesBody()
                    ? ValidationResult.Accepted
                    : ValidationResult.Refuse(RefusalReason.BadNotification,
                        $"Notification {notification.Id.ToShortString()} is not the id of its recipient key and body.");
            default:
                return ValidationResult.Refuse(RefusalReason.UnknownKind, $"Unknown object type {value.GetType().Name}.");
        }
    }

    private static ValidationResult CheckCertificate(CertificateObject value)
    {
        if (value.TryRead(out var reason) is not { } fields)
            return ValidationResult.Refuse(RefusalReason.BadCertificate, $"Certificate object {value.Id.ToShortString()}: {reason}");
        if (fields.UserId != value.Id)
            return ValidationResult.Refuse(RefusalReason.BadCertificate,
                $"The certificate of user {fields.UserId.ToShortString()} is not published under that user's id.");
        var problem = CertificateAuthority.VerifyPublished(fields.Issuer, value.EncodedCertificate.Span);
        return problem is null ? ValidationResult.Accepted : ValidationResult.Refuse(RefusalReason.BadCertificate, problem);
    }

    /// <summary>The storing node's policy on top of the intrinsic checks: certificates only from the ring's CA.</summary>
    /// <param name="value">An object that passed <see cref="Check(StoredObject, int)"/>.</param>
    /// <param name="trustedIssuer">The ring CA's public key, or null when the node has none configured (then it stores no certificates).</param>
    public static ValidationResult CheckPolicy(StoredObject value, ReadOnlySpan<byte> trustedIssuer)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is not CertificateObject certificate) return ValidationResult.Accepted;
        var decoded = certificate.TryRead(out _);
        if (trustedIssuer.IsEmpty)
            return ValidationResult.Refuse(RefusalReason.BadCertificate, "This node has no ring CA key configured, so it stores no certificates.");
        return decoded is { } fields && fields.Issuer.AsSpan().SequenceEqual(trustedIssuer)
            ? ValidationResult.Accepted
            : ValidationResult.Refuse(RefusalReason.BadCertificate, $"The certificate {certificate.Id.ToShortString()} was not issued by this ring's CA.");
    }

    /// <summary>Checks whether <paramref name="incoming"/> may take the place of <paramref name="held"/> (both assumed individually valid).</summary>
    /// <remarks>
    /// Accepted here means "nothing to refuse": an identical copy is accepted too, and the store reports it as
    /// already held. A content block can only ever match its held copy, since both hash to the same id.
    /// </remarks>
    public static ValidationResult CheckReplacement(StoredObject incoming, StoredObject? held)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (held is null) return ValidationResult.Accepted;
        if (held.Id != incoming.Id)
            throw new ArgumentException($"Held object {held.Id} is not {incoming.Id}.", nameof(held));
        if (held.Kind != incoming.Kind)
            return ValidationResult.Refuse(RefusalReason.VersionConflict,
                $"Object {incoming.Id.ToShortString()} is held as a {held.Kind}, not a {incoming.Kind}.");
        switch (incoming, held)
        {
            case (CertificateObject newCertificate, CertificateObject heldCertificate):
                return CheckCertificateReplacement(newCertificate, heldCertificate);
            case (NotificationObject newNotification, NotificationObject heldNotification):
                return CheckNotificationReplacement(newNotification, heldNotification);
        }
        if (incoming is not SignedObject newer || held is not SignedObject older) return ValidationResult.Accepted;
        if (newer.Version < older.Version)
            return ValidationResult.Refuse(RefusalReason.StaleVersion,
                $"Signed object {incoming.Id.ToShortString()} v{newer.Version} is older than the held v{older.Version}.");
        if (newer.Version == older.Version && !newer.SameBytesAs(older))
            return ValidationResult.Refuse(RefusalReason.VersionConflict,
                $"Signed object {incoming.Id.ToShortString()} v{newer.Version} differs from the held copy of the same version.");
        return ValidationResult.Accepted;
    }

    private static ValidationResult CheckCertificateReplacement(CertificateObject incoming, CertificateObject held)
    {
        var newSerial = incoming.Serial ?? 0;
        var heldSerial = held.Serial ?? 0;
        if (newSerial < heldSerial)
            return ValidationResult.Refuse(RefusalReason.StaleVersion, $"Certificate {incoming.Id.ToShortString()} serial {newSerial} is older than the held serial {heldSerial}.");
        if (newSerial == heldSerial && !incoming.SameBytesAs(held))
            return ValidationResult.Refuse(RefusalReason.VersionConflict, $"Certificate {incoming.Id.ToShortString()} serial {newSerial} differs from the held one.");
        return ValidationResult.Accepted;
    }

    private static ValidationResult CheckNotificationReplacement(NotificationObject incoming, NotificationObject held)
    {
        if (!incoming.RecipientKey.Span.SequenceEqual(held.RecipientKey.Span))
            return ValidationResult.Refuse(RefusalReason.BadNotification, $"Notification {incoming.Id.ToShortString()} names another recipient key than the held one.");
        if (held.IsWithdrawn && !incoming.IsWithdrawn)
            return ValidationResult.Refuse(RefusalReason.StaleVersion, $"Notification {incoming.Id.ToShortString()} was already withdrawn by its recipient.");
        return ValidationResult.Accepted;
    }

    /// <summary>Both checks in order: what the object says about itself, then whether it may replace what is held.</summary>
    public static ValidationResult Check(StoredObject incoming, StoredObject? held, int maxEncodedLength)
    {
        var intrinsic = Check(incoming, maxEncodedLength);
        return intrinsic.IsAccepted ? CheckReplacement(incoming, held) : intrinsic;
    }

    /// <summary>What a reader takes from the copies that replicas returned for <paramref name="id"/>: the highest valid version, or null.</summary>
    /// <remarks>
    /// Invalid copies (wrong id, bad signature, too large) are ignored, so a replica cannot roll a reader back or
    /// forge. Two valid copies of the same version with different bytes mean the owner signed twice; every reader
    /// must still pick the same one, so the tie goes to the lexicographically smaller signature.
    /// </remarks>
    public static SignedObject? SelectNewest(RingId id, IEnumerable<StoredObject?> copies, int maxEncodedLength)
    {
        ArgumentNullException.ThrowIfNull(copies);
        SignedObject? best = null;
        foreach (var copy in copies)
        {
            if (copy is not SignedObject candidate || candidate.Id != id) continue;
            if (!Check(candidate, maxEncodedLength).IsAccepted) continue;
            if (best is null || candidate.Version > best.Version ||
                (candidate.Version == best.Version && candidate.Signature.Span.SequenceCompareTo(best.Signature.Span) < 0))
                best = candidate;
        }
        return best;
    }

    /// <summary>
    /// What a reader takes from replicas' copies of any kind: for signed objects <see cref="SelectNewest"/>; for
    /// certificates the highest valid serial; for notifications the withdrawn form over the pending one; for content
    /// blocks any valid copy. Null when no copy is valid.
    /// </summary>
    public static StoredObject? SelectNewestOfAnyKind(RingId id, IReadOnlyCollection<StoredObject?> copies, int maxEncodedLength)
    {
        ArgumentNullException.ThrowIfNull(copies);
        if (SelectNewest(id, copies, maxEncodedLength) is { } signed) return signed;
        StoredObject? best = null;
        foreach (var copy in copies)
        {
            if (copy is null || copy.Id != id || copy is SignedObject || !Check(copy, maxEncodedLength).IsAccepted) continue;
            if (best is null || Supersedes(copy, best)) best = copy;
        }
        return best;
    }

    /// <summary>The version that orders copies of an id: a signed object's version, a certificate's serial; null for objects without one.</summary>
    public static ulong? VersionOf(StoredObject value) => value switch
    {
        SignedObject signed => signed.Version,
        CertificateObject certificate => certificate.Serial,
        _ => null,
    };

    private static bool Supersedes(StoredObject candidate, StoredObject best) => (candidate, best) switch
    {
        (CertificateObject c, CertificateObject b) =>
            (c.Serial ?? 0).CompareTo(b.Serial ?? 0) is var order &&
            (order > 0 || order == 0 && c.EncodedCertificate.Span.SequenceCompareTo(b.EncodedCertificate.Span) < 0),
        (NotificationObject c, NotificationObject b) => c.IsWithdrawn && !b.IsWithdrawn,
        _ => false,
    };
}
