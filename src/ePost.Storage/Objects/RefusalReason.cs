namespace ePost.Storage.Objects;

/// <summary>Why an object was not accepted; stores count refusals by this reason.</summary>
public enum RefusalReason
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>The encoding is longer than the size limit.</summary>
    TooLarge,

    /// <summary>The encoding is truncated, has trailing bytes, or a field is out of range.</summary>
    Malformed,

    /// <summary>The first byte names no known object kind.</summary>
    UnknownKind,

    /// <summary>A content block's id is not the SHA-256 of its bytes.</summary>
    HashMismatch,

    /// <summary>A signed object's id is not derived from its owner key and label.</summary>
    IdNotDerivedFromOwner,

    /// <summary>A signed object's signature does not verify under its owner key.</summary>
    BadSignature,

    /// <summary>A signed object's version is lower than the one already held.</summary>
    StaleVersion,

    /// <summary>A signed object has the held version but different bytes (or the held object is another kind).</summary>
    VersionConflict,

    /// <summary>Storing it would exceed the node's storage budget.</summary>
    OverBudget,

    /// <summary>A certificate that does not verify, is not published under its user's id, or was not issued by this ring's CA.</summary>
    BadCertificate,

    /// <summary>A notification whose id is not derived from its contents, or a withdrawal not signed by its recipient.</summary>
    BadNotification,

    /// <summary>Storing it would exceed the quota of the peer that sent it on this node: temporary, the writer tries again later.</summary>
    OverQuota,

    /// <summary>This node is not one of the object's replicas by its own leaf set: temporary, the writer's view of the ring was stale.</summary>
    NotResponsible,

    /// <summary>A signed object written by a device that the owner's device list (attached, or the newest this node has verified) does not name as active.</summary>
    DeviceNotAuthorized,
}
