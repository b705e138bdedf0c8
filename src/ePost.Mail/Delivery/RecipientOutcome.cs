namespace ePost.Mail.Delivery;

/// <summary>How one attempt for one recipient ended.</summary>
public enum DeliveryResult
{
    /// <summary>Taken over by POST or by the relay.</summary>
    Delivered,

    /// <summary>Failed in a way a later attempt may fix.</summary>
    Temporary,

    /// <summary>Failed for good: the sender gets a bounce.</summary>
    Permanent,
}

/// <summary>The result of one attempt for one recipient.</summary>
/// <param name="Recipient">The envelope recipient.</param>
/// <param name="Result">Delivered, temporary or permanent failure.</param>
/// <param name="Reply">SMTP-style reply: basic code, enhanced status code, text ("550 5.1.1 no such user").</param>
/// <param name="RemoteMta">The relay that answered, when it was the relay.</param>
public sealed record RecipientOutcome(string Recipient, DeliveryResult Result, string Reply, string? RemoteMta = null)
{
    /// <summary>The relay took the recipient's DSN request on (it offers DSN), so reports are its business from here.</summary>
    public bool ReportsFurther { get; init; }

    /// <summary>The RFC 3463 status code in <see cref="Reply"/>, or a generic one for the result.</summary>
    public string Status
    {
        get
        {
            var parts = Reply.Split(' ', 3);
            if (parts.Length >= 2 && IsEnhancedCode(parts[1])) return parts[1];
            return Result == DeliveryResult.Delivered ? "2.0.0" : Result == DeliveryResult.Temporary ? "4.0.0" : "5.0.0";
        }
    }

    private static bool IsEnhancedCode(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 3 && parts[0] is "2" or "4" or "5"
               && parts.Skip(1).All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit));
    }
}
