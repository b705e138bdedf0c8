namespace ePost.Storage.Glacier;

/// <summary>What happened to a fragment offered to the store.</summary>
public enum FragmentOutcome
{
    /// <summary>Stored now.</summary>
    Stored,

    /// <summary>The same fragment was already held; its lease (and manifest, if newer) were updated.</summary>
    AlreadyHeld,

    /// <summary>Refused: the bytes do not match the manifest, or a size or budget limit was hit.</summary>
    Refused,
}

/// <summary>The store's answer to a fragment put.</summary>
public sealed record FragmentPutResult(FragmentOutcome Outcome, string Message)
{
    /// <summary>True when the fragment is held after the call.</summary>
    public bool IsHeld => Outcome != FragmentOutcome.Refused;
}
