using ePost.Mail.Imap.Commands;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>A mailbox as LIST sees it: name, special use (\Sent, \Trash, ...) and subscription.</summary>
public sealed record MailboxInfo(string Name, IReadOnlyList<string> SpecialUse, bool Subscribed);

/// <summary>One LIST/LSUB answer line: the name and its attributes.</summary>
public sealed record ListEntry(string Name, IReadOnlyList<string> Attributes);

/// <summary>Computes LIST and LSUB answers (RFC 3501, 3348 CHILDREN, 5258 selection/return options, 6154 SPECIAL-USE).</summary>
public static class MailboxListing
{
    /// <summary>True for LIST "" "": the client asks only for the hierarchy delimiter (answer: (\Noselect) "/" "").</summary>
    public static bool IsDelimiterQuery(ListCommand command) =>
        !command.IsLsub && command.Patterns is [""];

    /// <summary>The entries to send, in name order. Children attributes are always included (CHILDREN is advertised).</summary>
    public static IReadOnlyList<ListEntry> List(IReadOnlyCollection<MailboxInfo> mailboxes, ListCommand command, char delimiter = '/')
    {
        var patterns = command.Patterns.Select(p => new MailboxPattern(command.Reference, p, delimiter)).ToList();
        bool onlySubscribed = command.IsLsub || command.SelectionOptions.Contains("SUBSCRIBED");
        bool onlySpecialUse = command.SelectionOptions.Contains("SPECIAL-USE");
        bool markSubscribed = onlySubscribed && !command.IsLsub || command.ReturnOptions.Contains("SUBSCRIBED");
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mailbox in mailboxes)
            for (int i = mailbox.Name.IndexOf(delimiter); i > 0; i = mailbox.Name.IndexOf(delimiter, i + 1))
                parents.Add(mailbox.Name[..i]);
        var entries = new List<ListEntry>();
        foreach (var mailbox in mailboxes.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (onlySubscribed && !mailbox.Subscribed) continue;
            if (onlySpecialUse && mailbox.SpecialUse.Count == 0) continue;
            if (!patterns.Any(p => p.Matches(mailbox.Name))) continue;
            var attributes = new List<string>();
            if (!command.IsLsub)
            {
                attributes.Add(parents.Contains(mailbox.Name) ? "\\HasChildren" : "\\HasNoChildren");
                if (markSubscribed && mailbox.Subscribed) attributes.Add("\\Subscribed");
                attributes.AddRange(mailbox.SpecialUse);
            }
            entries.Add(new ListEntry(mailbox.Name, attributes));
        }
        if (command.IsLsub) entries.AddRange(UnsubscribedParents(mailboxes, patterns, delimiter));
        return entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
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
            for (int i = name.IndexOf(delimiter); i > 0; i = name.IndexOf(delimiter, i + 1))
                if (!subscribed.Contains(name[..i]) && patterns.Any(p => p.Matches(name[..i]))) parents.Add(name[..i]);
        return parents.Select(p => new ListEntry(p, ["\\Noselect"]));
    }
}
