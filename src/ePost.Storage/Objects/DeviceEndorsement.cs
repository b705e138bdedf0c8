using ePost.Core.Crypto;
using ePost.Core.Devices;

namespace ePost.Storage.Objects;

/// <summary>
/// What lets one of a user's devices write the user's signed objects without the user's key: the device's signing
/// key and the user's signed <see cref="DeviceList"/> that names it. Carried by a <see cref="SignedObject"/>.
/// </summary>
/// <param name="SignerKey">The device key that signed the object (or the owner key itself, when the owner attaches its newest list as evidence).</param>
/// <param name="EncodedList">The device list, as the user signed it.</param>
public sealed record DeviceEndorsement(ReadOnlyMemory<byte> SignerKey, ReadOnlyMemory<byte> EncodedList)
{
    /// <summary>The label under which a user publishes the device list itself (a signed object of the user's key whose version is the list's number).</summary>
    public const string ListLabel = "devices";

    /// <summary>The list, or null with the reason when the bytes are not one.</summary>
    public DeviceList? TryList(out string reason) => DeviceList.TryDecode(EncodedList.Span, out var list, out reason) ? list : null;

    /// <summary>Null when the list is the owner's, verifies, and names the signer as active (or the signer is the owner); else the reason.</summary>
    public string? Problem(ReadOnlySpan<byte> ownerKey)
    {
        if (SignerKey.Length != Ed25519.PublicKeyLength) return "The signer key is not an Ed25519 key.";
        if (TryList(out var reason) is not { } list) return $"The attached device list is malformed: {reason}";
        if (list.Verify(ownerKey) is { } problem) return problem;
        if (SignerKey.Span.SequenceEqual(ownerKey)) return null;
        return list.FindByKey(SignerKey.Span) switch
        {
            null => $"The signer is not one of the owner's devices in device list {list.Number}.",
            { Revoked: true } device => $"The signer, {device}, is revoked in device list {list.Number}.",
            _ => null,
        };
    }
}
