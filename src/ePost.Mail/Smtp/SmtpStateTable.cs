namespace ePost.Mail.Smtp;

/// <summary>
/// The legal command sequence of RFC 5321 §4.1.4 as one table: in each state, the verbs allowed and the state a
/// successful command leads to. Anything not listed is answered 503. Guards that depend on more than the state (AUTH
/// required, TLS active, mode) live in the session.
/// </summary>
public static class SmtpStateTable
{
    private static readonly IReadOnlyDictionary<SmtpState, IReadOnlyDictionary<string, SmtpState>> Table =
        new Dictionary<SmtpState, IReadOnlyDictionary<string, SmtpState>>
        {
            [SmtpState.Connected] = Anytime(SmtpState.Connected),
            [SmtpState.Greeted] = With(Anytime(SmtpState.Greeted),
                ("MAIL", SmtpState.Mail), ("STARTTLS", SmtpState.Connected), ("AUTH", SmtpState.Greeted)),
            [SmtpState.Mail] = With(Anytime(SmtpState.Mail), ("RCPT", SmtpState.Recipients)),
            [SmtpState.Recipients] = With(Anytime(SmtpState.Recipients), ("RCPT", SmtpState.Recipients), ("DATA", SmtpState.Data),
                ("BDAT", SmtpState.Chunking)),
            // RFC 3030 §2: DATA and BDAT never mix in one transaction, and no RCPT once the message has begun.
            [SmtpState.Chunking] = With(Anytime(SmtpState.Chunking), ("BDAT", SmtpState.Chunking)),
        };

    /// <summary>True when <paramref name="verb"/> is legal in <paramref name="state"/>; <paramref name="next"/> is where success leads.</summary>
    public static bool TryTransition(SmtpState state, string verb, out SmtpState next)
    {
        next = state;
        return Table.TryGetValue(state, out var row) && row.TryGetValue(verb, out next);
    }

    /// <summary>The verbs legal in a state (for documentation and tests).</summary>
    public static IEnumerable<string> Allowed(SmtpState state) =>
        Table.TryGetValue(state, out var row) ? row.Keys : [];

    // EHLO/HELO always (re)start a session without a transaction; RSET ends a transaction but keeps the greeting.
    private static Dictionary<string, SmtpState> Anytime(SmtpState stay) => new(StringComparer.Ordinal)
    {
        ["EHLO"] = SmtpState.Greeted,
        ["HELO"] = SmtpState.Greeted,
        ["RSET"] = stay == SmtpState.Connected ? SmtpState.Connected : SmtpState.Greeted,
        ["NOOP"] = stay,
        ["VRFY"] = stay,
        ["HELP"] = stay,
        ["QUIT"] = stay,
    };

    private static Dictionary<string, SmtpState> With(Dictionary<string, SmtpState> row, params (string Verb, SmtpState Next)[] more)
    {
        foreach (var (verb, next) in more) row[verb] = next;
        return row;
    }
}
