using System.Collections.Concurrent;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Post.Ring;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Post.Identity;

/// <summary>
/// Users' device lists as the ring publishes them: a signed object of the user's key under
/// <see cref="DeviceEndorsement.ListLabel"/> whose version is the list's number. Every list read is checked against the
/// user's certificate (owner key, user id, signature), and a reader never goes back to an older list than one it has
/// verified, so a replica that replays an old list cannot bring a revoked device back.
/// </summary>
public sealed class DeviceDirectory(RingClient ring)
{
    private readonly ConcurrentDictionary<string, DeviceList> _newest = new(StringComparer.Ordinal);

    /// <summary>Publishes <paramref name="list"/> (signed by <paramref name="owner"/>) and remembers it.</summary>
    /// <exception cref="ArgumentException">When the list is not the owner's or does not follow the newest one known here.</exception>
    /// <exception cref="RingException">When the ring refused it or did not answer.</exception>
    public async Task PublishAsync(UserKeys owner, DeviceList list, LeaseDuration lease, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(list);
        if (Problem(owner.Certificate, list) is { } problem) throw new ArgumentException(problem, nameof(list));
        var known = _newest.GetValueOrDefault(owner.Certificate.Address);
        if (known is not null && known.Number != list.Number && list.CheckSuccessor(known) is { } order) throw new ArgumentException(order, nameof(list));
        await ring.InsertAsync(SignedObject.Create(owner.Signing, DeviceEndorsement.ListLabel, list.Number, list.Encode()), lease, cancellation).ConfigureAwait(false);
        Remember(owner.Certificate, list);
    }

    /// <summary>The newest valid device list of <paramref name="user"/> from the ring, or the newest known here when the ring has none newer or cannot answer; null when there is none.</summary>
    public async Task<DeviceList?> FindAsync(UserCertificate user, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        try
        {
            var found = await ring.LookupAsync(SignedObject.IdFor(user.SigningPublicKey, DeviceEndorsement.ListLabel), newest: true, cancellation).ConfigureAwait(false);
            if (found is SignedObject { Endorsement: null } signed && signed.Label == DeviceEndorsement.ListLabel && signed.OwnerKey.Span.SequenceEqual(user.SigningPublicKey)
                && signed.SignatureIsValid() && DeviceList.TryDecode(signed.Payload.Span, out var list, out _) && list.Number == signed.Version && Problem(user, list) is null)
                Remember(user, list);
        }
        catch (RingException)
        {
            // The newest list known here still holds: it can only be older than the truth, never resurrect a revoked device it has seen revoked.
        }
        return Known(user.Address);
    }

    /// <summary>The newest list verified here for <paramref name="address"/>, without asking the ring.</summary>
    public DeviceList? Known(string address) => _newest.GetValueOrDefault(address);

    /// <summary>Adopts a list obtained otherwise (the device list file a paired device keeps), when valid and newer.</summary>
    public void Remember(UserCertificate user, DeviceList list)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(list);
        if (Problem(user, list) is not null) return;
        _newest.AddOrUpdate(user.Address, list, (_, known) => list.Supersedes(known) ? list : known);
    }

    private static string? Problem(UserCertificate user, DeviceList list) =>
        list.UserId != user.UserId ? $"Device list {list.Number} is not {user.Address}'s." : list.Verify(user.SigningPublicKey);
}
