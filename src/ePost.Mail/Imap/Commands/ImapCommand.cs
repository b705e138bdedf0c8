namespace ePost.Mail.Imap.Commands;

/// <summary>A parsed client command; every command carries the tag its completion response must echo.</summary>
public abstract record ImapCommand(string Tag);
