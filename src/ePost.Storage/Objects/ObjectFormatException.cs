namespace ePost.Storage.Objects;

/// <summary>Thrown when bytes are not a canonical object encoding; says which refusal it amounts to.</summary>
public sealed class ObjectFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ObjectFormatException(RefusalReason reason, string message) : base(message) => Reason = reason;

    /// <summary><see cref="RefusalReason.TooLarge"/>, <see cref="RefusalReason.UnknownKind"/> or <see cref="RefusalReason.Malformed"/>.</summary>
    public RefusalReason Reason { get; }
}
