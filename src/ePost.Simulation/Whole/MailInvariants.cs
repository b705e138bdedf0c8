namespace ePost.Simulation.Whole;

/// <summary>One acknowledged message: the spool said 250 for it on the sender's node.</summary>
/// <param name="SpoolId">The spool's id for it.</param>
/// <param name="Sender">The envelope sender.</param>
/// <param name="Recipient">The recipient (one per message in the simulation).</param>
/// <param name="DeliveryId">The POST delivery id its recipient files it under (<c>DeliveryAttempt.DeliveryId</c>).</param>
/// <param name="AcknowledgedAt">Virtual time of the acknowledgement.</param>
public sealed record AcknowledgedMessage(string SpoolId, string Sender, string Recipient, string DeliveryId, TimeSpan AcknowledgedAt);

/// <summary>A user's INBOX as its agent reports it: how many messages it lists and the delivery ids it filed.</summary>
/// <param name="User">The user's address.</param>
/// <param name="Messages">Messages INBOX lists.</param>
/// <param name="DeliveryIds">Delivery ids INBOX records as filed.</param>
/// <param name="UnsyncedLogs">Logs with entries the ring may not hold yet (0 once the user's logs converged with the ring).</param>
public sealed record MailboxSnapshot(string User, int Messages, IReadOnlySet<string> DeliveryIds, int UnsyncedLogs);

/// <summary>What the invariants found so far.</summary>
/// <param name="Acknowledged">Messages acknowledged.</param>
/// <param name="FiledOnce">Acknowledged messages filed exactly once in their recipient's INBOX.</param>
/// <param name="Lost">Acknowledged messages not (or no longer) in their recipient's INBOX.</param>
/// <param name="Duplicated">Extra copies: INBOX entries beyond one per filed delivery id.</param>
/// <param name="Unexpected">Delivery ids filed that nobody acknowledged.</param>
/// <param name="Regressions">Times a mailbox no longer held a delivery id an earlier check saw in it.</param>
/// <param name="Converged">True when every mailbox had all its logs in the ring.</param>
/// <param name="Violations">A description of each violation, for the report.</param>
public sealed record InvariantReport(int Acknowledged, int FiledOnce, int Lost, int Duplicated, int Unexpected, int Regressions, bool Converged,
    IReadOnlyList<string> Violations)
{
    /// <summary>True when no acknowledged message is lost or duplicated, nothing unexpected was filed and no mailbox lost an entry.</summary>
    public bool Holds => Lost == 0 && Duplicated == 0 && Unexpected == 0 && Regressions == 0;
}

/// <summary>
/// The mail invariants of the whole-system simulation, over what the agents report: every acknowledged message is
/// filed exactly once in its recipient's INBOX; no mailbox loses an entry it once showed (checked at every
/// observation while faults run, not only at the end); nothing is filed that was not acknowledged (or is a
/// duplicate of it); and once faults end every user's logs reach the ring.
/// </summary>
public sealed class MailInvariants
{
    private readonly Dictionary<string, AcknowledgedMessage> _acknowledged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _seen = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _violations = new();
    private readonly Dictionary<string, int> _maxExtra = new(StringComparer.OrdinalIgnoreCase);
    private int _regressions;

    /// <summary>Records an acknowledgement.</summary>
    public void Acknowledge(AcknowledgedMessage message) => _acknowledged[message.DeliveryId] = message;

    /// <summary>Acknowledged messages so far.</summary>
    public IReadOnlyCollection<AcknowledgedMessage> Acknowledged => _acknowledged.Values;

    /// <summary>
    /// Checks a mailbox observation against earlier ones: an entry once filed must stay filed, and no delivery may be
    /// filed twice. Returns false on a violation.
    /// </summary>
    public bool Observe(MailboxSnapshot snapshot)
    {
        if (!_seen.TryGetValue(snapshot.User, out var seen)) _seen[snapshot.User] = seen = new HashSet<string>(StringComparer.Ordinal);
        var gone = seen.Where(id => !snapshot.DeliveryIds.Contains(id)).ToList();
        foreach (var id in gone)
            _violations.Add($"{snapshot.User}'s INBOX no longer holds delivery {Short(id)} that an earlier check saw");
        _regressions += gone.Count;
        seen.UnionWith(snapshot.DeliveryIds);
        // A copy filed twice shows at once as more entries than deliveries, whatever happens to it later.
        var extra = snapshot.Messages - snapshot.DeliveryIds.Count;
        if (extra > _maxExtra.GetValueOrDefault(snapshot.User))
        {
            _maxExtra[snapshot.User] = extra;
            _violations.Add($"{snapshot.User}'s INBOX listed {snapshot.Messages} messages for {snapshot.DeliveryIds.Count} deliveries during the run");
        }
        return gone.Count == 0 && extra <= 0;
    }

    /// <summary>Judges the final observation of every mailbox (also observed, so a last-moment regression counts).</summary>
    public InvariantReport Judge(IReadOnlyCollection<MailboxSnapshot> finals)
    {
        foreach (var snapshot in finals) Observe(snapshot);
        var violations = new List<string>(_violations);
        var byUser = finals.ToDictionary(s => s.User, StringComparer.OrdinalIgnoreCase);
        int filedOnce = 0, lost = 0, duplicated = 0, unexpected = 0;
        foreach (var message in _acknowledged.Values)
        {
            if (byUser.TryGetValue(message.Recipient, out var box) && box.DeliveryIds.Contains(message.DeliveryId)) filedOnce++;
            else
            {
                lost++;
                violations.Add($"{message.SpoolId} from {message.Sender}, acknowledged at {message.AcknowledgedAt.TotalSeconds:F1} s, is not in {message.Recipient}'s INBOX");
            }
        }
        foreach (var box in finals)
        {
            // The most extra entries any observation saw: a duplicate removed again before the end still counts.
            var extra = Math.Max(box.Messages - box.DeliveryIds.Count, _maxExtra.GetValueOrDefault(box.User));
            if (extra > 0) duplicated += extra;
            foreach (var id in box.DeliveryIds.Where(id => !_acknowledged.TryGetValue(id, out var m)
                                                           || !string.Equals(m.Recipient, box.User, StringComparison.OrdinalIgnoreCase)))
            {
                unexpected++;
                violations.Add($"{box.User}'s INBOX holds delivery {Short(id)} that was never acknowledged for it");
            }
        }
        // A message filed under one delivery id but counted once above can still have been filed twice: that shows
        // as more messages than delivery ids, counted as duplicated.
        filedOnce -= Math.Min(filedOnce, duplicated);
        var converged = finals.All(s => s.UnsyncedLogs == 0);
        if (!converged)
            violations.AddRange(finals.Where(s => s.UnsyncedLogs > 0).Select(s => $"{s.User} still has {s.UnsyncedLogs} log(s) the ring lacks"));
        return new InvariantReport(_acknowledged.Count, filedOnce, lost, duplicated, unexpected, _regressions, converged, violations);
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
