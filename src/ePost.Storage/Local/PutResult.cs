using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Storage.Local;

/// <summary>What a put did.</summary>
public enum PutOutcome
{
    /// <summary>The object was new here and is now stored.</summary>
    Stored,

    /// <summary>This exact object was already held; only its lease was extended (if the new one ends later).</summary>
    AlreadyHeld,

    /// <summary>A newer version of a signed object replaced the held one.</summary>
    Updated,

    /// <summary>Nothing changed; see the reason.</summary>
    Refused,
}

/// <summary>The outcome of <see cref="IObjectStore.Put(StoredObject, LeaseInstant)"/>, with the reason for a refusal and the lease now in force.</summary>
public sealed record PutResult(PutOutcome Outcome, RefusalReason Reason, string Message, LeaseInstant? Expiry)
{
    /// <summary>True when the object is held after the call.</summary>
    public bool IsHeld => Outcome != PutOutcome.Refused;

    /// <summary>A refusal.</summary>
    public static PutResult Refused(ValidationResult validation) =>
        new(PutOutcome.Refused, validation.Reason, validation.Message, null);

    /// <inheritdoc />
    public override string ToString() => Outcome == PutOutcome.Refused ? $"Refused ({Reason}): {Message}" : $"{Outcome} until {Expiry}";
}
