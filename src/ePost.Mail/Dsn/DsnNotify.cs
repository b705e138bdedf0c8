namespace ePost.Mail.Dsn;

/// <summary>RCPT NOTIFY= (RFC 3461 §4.1): which delivery status notifications the sender wants for a recipient.</summary>
[Flags]
public enum DsnNotify
{
    /// <summary>NOTIFY=NEVER: no DSN at all, not even a failure.</summary>
    Never = 0,

    /// <summary>A DSN when the message is delivered (for ring users: once the recipient's node has filed it).</summary>
    Success = 1,

    /// <summary>A DSN when delivery fails (the default without NOTIFY).</summary>
    Failure = 2,

    /// <summary>A DSN when delivery is delayed (accepted; this node does not send delay reports, which RFC 3461 allows).</summary>
    Delay = 4,
}

/// <summary>MAIL RET= (RFC 3461 §4.3): how much of the message a failure DSN returns.</summary>
public enum DsnReturn
{
    /// <summary>Not given: the headers, as with <see cref="Headers"/>.</summary>
    Unspecified,

    /// <summary>RET=HDRS: the headers only.</summary>
    Headers,

    /// <summary>RET=FULL: the whole message.</summary>
    Full,
}

/// <summary>The RCPT parameters of RFC 3461 for one recipient.</summary>
/// <param name="Notify">NOTIFY=, or null when not given (then failures are reported, as without DSN).</param>
/// <param name="OriginalRecipient">ORCPT=, decoded: "addr-type;address" (e.g. "rfc822;bob@ring.test"), or null.</param>
public sealed record RecipientDsn(DsnNotify? Notify, string? OriginalRecipient)
{
    /// <summary>No parameters given.</summary>
    public static readonly RecipientDsn Default = new(null, null);

    /// <summary>True when a failure of this recipient is reported to the sender.</summary>
    public bool WantsFailure => Notify is not { } n || n.HasFlag(DsnNotify.Failure);

    /// <summary>True when the sender asked to hear of a successful delivery.</summary>
    public bool WantsSuccess => Notify is { } n && n.HasFlag(DsnNotify.Success);
}
