namespace ePost.Mail.Spool;

/// <summary>
/// What the delivery agent has done for one spooled message, kept durably next to it so a restarted node neither
/// sends twice to a recipient already done nor forgets a bounce: recipients in <see cref="Done"/> are finished
/// (delivered, or failed with their bounce already spooled); the others are still to be tried.
/// </summary>
/// <param name="Attempts">Delivery attempts made so far.</param>
/// <param name="NextAttemptAt">When the next attempt is due (null: at once).</param>
/// <param name="Done">Finished recipients, in the order they finished.</param>
/// <param name="LastErrors">The last temporary error of each recipient still to be tried, for the give-up bounce.</param>
public sealed record DeliveryProgress(int Attempts, DateTimeOffset? NextAttemptAt, IReadOnlyList<RecipientProgress> Done, IReadOnlyDictionary<string, string> LastErrors)
{
    /// <summary>A message nothing was tried for yet.</summary>
    public static DeliveryProgress None { get; } = new(0, null, [], new Dictionary<string, string>());

    /// <summary>True when <paramref name="recipient"/> is finished (recipients compare case-insensitively, as SMTP collected them).</summary>
    public bool IsDone(string recipient) => Done.Any(d => string.Equals(d.Recipient, recipient, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A finished recipient.</summary>
/// <param name="Recipient">The envelope recipient.</param>
/// <param name="Delivered">True when delivered; false when it failed for good (and was bounced, unless the sender was null).</param>
/// <param name="Reply">The final reply, SMTP-style ("250 2.0.0 ...", "550 5.1.1 ...").</param>
public sealed record RecipientProgress(string Recipient, bool Delivered, string Reply);
