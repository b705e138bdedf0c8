using ePost.Core.Devices;

namespace ePost.Storage.Objects;

/// <summary>
/// The newest device list a storing node has verified for each owner key, learned from every accepted object that
/// carries one (a device's write, the owner's write with its list attached, the published list itself under
/// <see cref="DeviceEndorsement.ListLabel"/>). A device write is refused when the newest list known here, or the one
/// the held copy carries, no longer names the signer as active: a revoked device cannot get past a node that has
/// seen its revocation by attaching the older list in which it was still listed.
/// </summary>
/// <remarks>Bounded (<see cref="Capacity"/> owners; the least recently learned is forgotten first); thread-safe.</remarks>
public sealed class DeviceListBook(int capacity = DeviceListBook.DefaultCapacity)
{
    /// <summary>Owners remembered by default.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, DeviceList> _newest = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();

    /// <summary>Most owners remembered.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>The newest verified list known for <paramref name="ownerKey"/>, or null.</summary>
    public DeviceList? Newest(ReadOnlySpan<byte> ownerKey)
    {
        lock (_gate) return _newest.GetValueOrDefault(Convert.ToHexString(ownerKey));
    }

    /// <summary>
    /// Refuses <paramref name="incoming"/> (already intrinsically valid) when it was signed by a device that the newest
    /// list known here or carried by <paramref name="held"/> does not name as active.
    /// </summary>
    public ValidationResult Check(StoredObject incoming, StoredObject? held)
    {
        if (incoming is not SignedObject { Endorsement: { } endorsement } signed || endorsement.SignerKey.Span.SequenceEqual(signed.OwnerKey.Span))
            return ValidationResult.Accepted;
        var newest = Newer(Newest(signed.OwnerKey.Span), ListOf(held));
        if (newest is null || newest.Number <= signed.DeviceListNumber) return ValidationResult.Accepted;
        return newest.FindByKey(endorsement.SignerKey.Span) switch
        {
            { Revoked: false } => ValidationResult.Accepted,
            { } device => ValidationResult.Refuse(RefusalReason.DeviceNotAuthorized,
                $"Signed object {signed.Id.ToShortString()} v{signed.Version} was written by {device}, revoked in device list {newest.Number}; the owner's newest list refuses its writes."),
            null => ValidationResult.Refuse(RefusalReason.DeviceNotAuthorized,
                $"Signed object {signed.Id.ToShortString()} v{signed.Version} was written by a key that device list {newest.Number} does not name."),
        };
    }

    /// <summary>Remembers the list <paramref name="stored"/> carries (or is), when it is valid and newer than the one known.</summary>
    public void Learn(StoredObject stored)
    {
        if (stored is not SignedObject signed || ListOf(signed) is not { } list || list.Verify(signed.OwnerKey.Span) is not null) return;
        var owner = Convert.ToHexString(signed.OwnerKey.Span);
        lock (_gate)
        {
            if (_newest.TryGetValue(owner, out var known))
            {
                if (!list.Supersedes(known)) return;
                _order.Remove(owner);
            }
            else if (_newest.Count >= Capacity)
            {
                _newest.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }
            _newest[owner] = list;
            _order.AddLast(owner);
        }
    }

    private static DeviceList? ListOf(StoredObject? value) => value switch
    {
        SignedObject { Endorsement: { } e } signed when e.Problem(signed.OwnerKey.Span) is null => e.TryList(out _),
        SignedObject { Endorsement: null, Label: DeviceEndorsement.ListLabel } signed when signed.SignatureIsValid()
            && DeviceList.TryDecode(signed.Payload.Span, out var list, out _) && list.Number == signed.Version && list.Verify(signed.OwnerKey.Span) is null => list,
        _ => null,
    };

    private static DeviceList? Newer(DeviceList? a, DeviceList? b) => a is null ? b : b is null ? a : b.Supersedes(a) ? b : a;
}
