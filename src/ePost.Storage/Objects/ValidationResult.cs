namespace ePost.Storage.Objects;

/// <summary>The outcome of checking an object: accepted, or refused with a reason and a sentence for the log.</summary>
public readonly record struct ValidationResult(RefusalReason Reason, string Message)
{
    /// <summary>The object passed every check.</summary>
    public static ValidationResult Accepted { get; } = new(RefusalReason.None, "accepted");

    /// <summary>True when nothing was refused.</summary>
    public bool IsAccepted => Reason == RefusalReason.None;

    /// <summary>A refusal.</summary>
    public static ValidationResult Refuse(RefusalReason reason, string message)
    {
        if (reason == RefusalReason.None) throw new ArgumentException("A refusal needs a reason.", nameof(reason));
        return new ValidationResult(reason, message);
    }

    /// <inheritdoc />
    public override string ToString() => IsAccepted ? "accepted" : $"refused ({Reason}): {Message}";
}
