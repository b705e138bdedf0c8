using ePost.Mail.Imap.Commands;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>A mailbox as LIST sees it: name, special use (\Sent, \Trash, ...) and subscription.</summary>
/// <param name="Exists">False for a subscribed name whose mailbox is gone (RFC 5258 \NonExistent); it has no children of its own.</param>
public sealed record MailboxInfo(string Name, IReadOnlyList<string> SpecialUse, bool Subscribed, bool Exists = true);

/// <summary>One LIST/LSUB answer line: the name, its attributes and the RFC 5258 CHILDINFO extended data, if any.</summary>
public sealed record ListEntry(string Name, IReadOnlyList<string> Attributes, IReadOnlyList<string>? ChildInfo = null);

/// <summary>Computes LIST and LSUB answers (RFC 3501, 3348 CHILDREN, 5258 LIST-EXTENDED, 6154 SPECIAL-USE).</summary>
public static class MailboxListing
{
    /// <summary>True for LIST "" "": the client asks only for the hierarchy delimiter (answer: (\Noselect) "/" "").</summary>
    public static bool IsDelimiterQuery(ListCommand command) =>
        !command.IsLsub && command.Patterns is [""];

    /// <summary>
    /// The entries to send, in name order. Children attributes are always included (CHILDREN is advertised). A name
    /// that is only the parent of existing mailboxes is listed when a pattern stops at its level ("%"): \Noselect in a
    /// plain LIST, \NonExistent (which implies it) in an extended one.
    /// </summary>
    public static IReadOnlyList<ListEntry> List(IReadOnlyCollection<MailboxInfo> mailboxes, ListCommand command, char delimiter = '/')
    {
        var patterns = command.Patterns.Select(p => new MailboxPattern(command.Reference, p, delimiter)).ToList();
        bool onlySubscribed = command.IsLsub || command.SelectionOptions.Contains("SUBSCRIBED");
        bool onlySpecialUse = command.SelectionOptions.Contains("SPECIAL-USE");
        bool recursive = command.SelectionOptions.Contains("RECURSIVEMATCH");
        bool extended = command.Extended;
        bool markSubscribed = onlySubscribed && !command.IsLsub || command.ReturnOptions.Contains("SUBSCRIBED");
        bool Selected(MailboxInfo m) => (!onlySubscribed || m.Subscribed) && (!onlySpecialUse || m.SpecialUse.Count > 0);

        var byName = mailboxes.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var parents = new HashSet<string>(StringComparer.Ordinal);
        // Ancestors of mailboxes meeting the selection criteria, for RECURSIVEMATCH's CHILDINFO.
        var selectedParents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mailbox in mailboxes.Where(m => m.Exists))
            foreach (var parent in Ancestors(mailbox.Name, delimiter))
            {
                parents.Add(parent);
                if (recursive && Selected(mailbox) && !patterns.Any(p => p.Matches(mailbox.Name))) selectedParents.Add(parent);
            }

        var entries = new List<ListEntry>();
        foreach (var mailbox in mailboxes)
        {
            if (!patterns.Any(p => p.Matches(mailbox.Name))) continue;
            bool childInfo = selectedParents.Contains(mailbox.Name);
            if (!Selected(mailbox) && !childInfo) continue;
            var attributes = new List<string>();
            if (!mailbox.Exists)
            {
                // LSUB lists the subscribed name as it is (RFC 3501 §6.3.9 keeps subscriptions of deleted mailboxes).
                if (!command.IsLsub)
                {
                    if (markSubscribed) attributes.Add("\\Subscribed");
                    attributes.Add(extended ? "\\NonExistent" : "\\Noselect");
                }
            }
            else if (!command.IsLsub)
            {
                attributes.Add(parents.Contains(mailbox.Name) ? "\\HasChildren" : "\\HasNoChildren");
                if (markSubscribed && mailbox.Subscribed) attributes.Add("\\Subscribed");
                attributes.AddRange(mailbox.SpecialUse);
            }
            entries.Add(new ListEntry(mailbox.Name, attributes, childInfo ? ChildInfo(command) : null));
        }
        if (command.IsLsub) entries.AddRange(UnsubscribedParents(mailboxes, patterns, delimiter));
        else
        {
            foreach (var hole in parents.Where(p => !byName.ContainsKey(p) && patterns.Any(pattern => pattern.Matches(p))))
            {
                bool childInfo = selectedParents.Contains(hole);
                // A hole is listed only where a child is not (the pattern stops above it), unless a filter must be
                // explained by CHILDINFO; with a filter and no matching child it is not listed at all.
                if (onlySubscribed || onlySpecialUse ? !childInfo : mailboxes.Any(m => m.Name.StartsWith(hole + delimiter, StringComparison.Ordinal) && patterns.Any(p => p.Matches(m.Name))))
                    continue;
                entries.Add(new ListEntry(hole, [extended ? "\\NonExistent" : "\\Noselect", "\\HasChildren"], childInfo ? ChildInfo(command) : null));
            }
        }
        return entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> ChildInfo(ListCommand command) =>
        command.SelectionOptions.Where(o => o is "SUBSCRIBED" or "SPECIAL-USE").ToList();

    private static IEnumerable<string> Ancestors(string name, char delimiter)
    {
        for (int i = name.IndexOf(delimiter); i > 0; i = name.IndexOf(delimiter, i + 1))
            yield return name[..i];
    }

    /// <summary>
    /// RFC 3501 §6.3.9: when "%" stops LSUB at a level where a mailbox is not subscribed but one below it is, the
    /// server lists that mailbox with \Noselect, so a client walking the tree level by level finds the subscribed child.
    /// </summary>
    private static IEnumerable<ListEntry> UnsubscribedParents(IReadOnlyCollection<MailboxInfo> mailboxes, List<MailboxPattern> patterns, char delimiter)
    {
        var subscribed = mailboxes.Where(m => m.Subscribed).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var parents = new HashSet<string>(StringComparer.Ordinal);
        // A pattern that matches the subscribed mailbox itself ("*") lists it, and its parents stay out.
        foreach (var name in subscribed.Where(n => !patterns.Any(p => p.Matches(n))))
            foreach (var parent in Ancestors(name, delimiter))
                if (!subscribed.Contains(parent) && patterns.Any(p => p.Matches(parent))) parents.Add(parent);
        return parents.Select(p => new ListEntry(p, ["\\Noselect"]));
    }
}
