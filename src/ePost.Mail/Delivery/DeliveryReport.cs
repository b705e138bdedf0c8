namespace ePost.Mail.Delivery;

/// <summary>
/// Published on the actor system's event stream after every delivery attempt of a spooled message: what happened to
/// each recipient tried, and whether the message is finished or when it will be tried again.
/// </summary>
/// <param name="SpoolId">The spooled message.</param>
/// <param name="Outcomes">This attempt's outcomes (recipients finished earlier are not tried again).</param>
/// <param name="Completed">True when every recipient is finished and the message left the spool.</param>
/// <param name="RetryAt">When the next attempt is due, if not completed.</param>
/// <param name="BounceId">Spool id of the bounce sent to the sender in this attempt, if any.</param>
public sealed record DeliveryReport(string SpoolId, IReadOnlyList<RecipientOutcome> Outcomes, bool Completed, DateTimeOffset? RetryAt, string? BounceId);
