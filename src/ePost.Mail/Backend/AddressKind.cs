namespace ePost.Mail.Backend;

/// <summary>Where a mail address lives, as far as this node can tell.</summary>
public enum AddressKind
{
    /// <summary>A user served by this node.</summary>
    LocalUser,

    /// <summary>A user served by another node of the ring.</summary>
    RingUser,

    /// <summary>A name in a domain the ring serves, but no such user exists.</summary>
    UnknownInRingDomain,

    /// <summary>An address outside the ring (relaying there needs an authenticated local sender).</summary>
    Foreign,
}
