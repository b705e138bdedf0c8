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
                return signed.SignatureIsValid()
                    ? ValidationResult.Accepted
                    : ValidationResult.Refuse(RefusalReason.BadSignature,
                        $"Signed object {signed.Id.ToShortString()} v{signed.Version}: the signature does not verify under its owner key.");
            default:
                return ValidationResult.Refuse(RefusalReason.UnknownKind, $"Unknown object type {value.GetType().Name}.");
        }
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
        if (incoming is not SignedObject newer || held is not SignedObject older) return ValidationResult.Accepted;
        if (newer.Version < older.Version)
            return ValidationResult.Refuse(RefusalReason.StaleVersion,
                $"Signed object {incoming.Id.ToShortString()} v{newer.Version} is older than the held v{older.Version}.");
        if (newer.Version == older.Version && !newer.SameBytesAs(older))
            return ValidationResult.Refuse(RefusalReason.VersionConflict,
                $"Signed object {incoming.Id.ToShortString()} v{newer.Version} differs from the held copy of the same version.");
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
}
