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
}
