using ePost.Storage.Leases;

namespace ePost.Storage.Glacier;

/// <summary>A fragment as a holder keeps it: verified bytes, the manifest that vouches for them and the local lease end.</summary>
public sealed record HeldFragment(FragmentManifest Manifest, int Index, byte[] Data, LeaseInstant Expiry);

/// <summary>Names one fragment: container id and index.</summary>
public readonly record struct FragmentKey(Core.Ids.RingId Container, int Index);

/// <summary>What happened to a fragment offered to the store.</summary>
public enum FragmentOutcome
{
    /// <summary>Stored now.</summary>
    Stored,

    /// <summary>The same fragment was already held; its lease (and manifest, if newer) were updated.</summary>
    AlreadyHeld,

    /// <summary>Refused: the bytes do not match the manifest, another writer signed this container, or a limit was hit.</summary>
    Refused,
}

/// <summary>The store's answer to a fragment put.</summary>
public sealed record FragmentPutResult(FragmentOutcome Outcome, string Message)
{
    /// <summary>True when the fragment is held after the call.</summary>
    public bool IsHeld => Outcome != FragmentOutcome.Refused;
}

/// <summary>Counters of a fragment store.</summary>
public sealed record FragmentStoreStats(long Fragments, long Bytes, long Refused, long CorruptDropped, long ExpiredCollected);
