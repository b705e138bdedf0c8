using ePost.Core.Crypto;

namespace ePost.Core.Devices;

/// <summary>What the issuing device does to admit a new one (pure): the next device list and the device's certificate.</summary>
public static class DeviceEnrollment
{
    /// <summary>
    /// Admits <paramref name="request"/> as the next device of <paramref name="user"/>: a device certificate with the
    /// next index and the successor of <paramref name="current"/> naming it. The user's keys go into the grant only
    /// when the request asked and <paramref name="userKeyFile"/> (the sealed key file) is given.
    /// </summary>
    /// <exception cref="PairingException">When the name is taken, the key is already listed, or the ring's device limit is reached.</exception>
    public static (PairingGrant Grant, DeviceList List) Admit(UserKeys user, DeviceList current, PairingRequest request, int maxDevicesPerUser, string? userKeyFile = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(request);
        if (current.NextIndex >= maxDevicesPerUser)
            throw new PairingException($"{user.Certificate.Address} has used all {maxDevicesPerUser} device places this ring allows (revoked devices keep theirs).");
        if (request.WantsUserKey && userKeyFile is null)
            throw new PairingException("The new device asked for the user's long-term keys, and the issuing device was not told to give them (epost device add --give-user-key).");
        DeviceList next;
        try
        {
            next = current.WithDevice(user, request.Name, request.SigningKey, request.EncryptionKey, request.LoginVerifier);
        }
        catch (ArgumentException e)
        {
            throw new PairingException(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        var certificate = NodeCertificate.IssueForDevice(user, request.SigningKey, next.Devices[^1].Index);
        var grant = new PairingGrant(certificate.Encode(), next.Encode(), user.Certificate.Encode(), request.WantsUserKey ? userKeyFile : null);
        return (grant, next);
    }
}
