using ePost.Mail.Backend;
using ePost.Post.Logs;

namespace ePost.Post.Mailbox;

/// <summary>Folder names as POST stores them: '/' between levels, "INBOX" spelled so whatever the client's case.</summary>
public static class FolderNames
{
    /// <summary>The inbox's one spelling.</summary>
    public const string Inbox = "INBOX";

    /// <summary>The hierarchy delimiter.</summary>
    public const char Delimiter = '/';

    /// <summary>The stored form of a name: "INBOX" for any case of it (also as a first level); otherwise unchanged.</summary>
    /// <exception cref="MailStoreException">With <see cref="MailStoreError.InvalidName"/> when the name is empty, too long, has an empty level, wildcards or control characters.</exception>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > LogLimits.MaxNameBytes)
            throw new MailStoreException(MailStoreError.InvalidName, $"A folder name has 1 to {LogLimits.MaxNameBytes} bytes.");
        if (name.Split(Delimiter).Any(level => level.Length == 0))
            throw new MailStoreException(MailStoreError.InvalidName, $"The folder name \"{name}\" has an empty level.");
        if (name.Any(c => char.IsControl(c) || c is '*' or '%'))
            throw new MailStoreException(MailStoreError.InvalidName, "A folder name cannot contain control characters, '*' or '%'.");
        if (name.Equals(Inbox, StringComparison.OrdinalIgnoreCase)) return Inbox;
        if (name.StartsWith(Inbox + Delimiter, StringComparison.OrdinalIgnoreCase)) return Inbox + name[Inbox.Length..];
        return name;
    }

    /// <summary>"a", "a/b", "a/b/c" for "a/b/c".</summary>
    public static IEnumerable<string> SelfAndParents(string name)
    {
        for (var i = name.IndexOf(Delimiter); i > 0; i = name.IndexOf(Delimiter, i + 1)) yield return name[..i];
        yield return name;
    }

    /// <summary>RFC 6154 attributes for the standard folder names.</summary>
    public static IReadOnlyList<string> SpecialUse(string name) => name switch
    {
        "Drafts" => ["\\Drafts"],
        "Sent" => ["\\Sent"],
        "Trash" => ["\\Trash"],
        "Junk" => ["\\Junk"],
        "Archive" => ["\\Archive"],
        _ => [],
    };
}
