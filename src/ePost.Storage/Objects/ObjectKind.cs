namespace ePost.Storage.Objects;

/// <summary>The kinds of object the ring stores; the value is the first byte of an object's encoding.</summary>
/// <remarks>A new layout gets a new value rather than a version field, so a decoder meets exactly one layout per byte.</remarks>
public enum ObjectKind : byte
{
    /// <summary>Immutable bytes whose id is their SHA-256 (first 160 bits).</summary>
    ContentBlock = 1,

    /// <summary>Mutable bytes under an owner key and label, versioned and Ed25519-signed.</summary>
    SignedObject = 2,

    /// <summary>A CA-signed user certificate published under the user's id; a higher serial replaces a lower one.</summary>
    Certificate = 3,

    /// <summary>A delivery notification waiting near its recipient's id; the recipient's signed receipt withdraws it.</summary>
    Notification = 4,

    /// <summary>
    /// Encoding only: a <see cref="Objects.SignedObject"/> signed by one of its owner's devices, carrying the device key
    /// and the owner's device list. Decodes to a <see cref="Objects.SignedObject"/> whose <see cref="StoredObject.Kind"/>
    /// is <see cref="SignedObject"/>, since it is a version of the same object.
    /// </summary>
    DeviceSignedObject = 5,
}
