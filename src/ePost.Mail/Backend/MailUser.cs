namespace ePost.Mail.Backend;

/// <summary>A user of this node who has logged in: the login name and the mail address it owns.</summary>
public sealed record MailUser(string Name, string Address);
