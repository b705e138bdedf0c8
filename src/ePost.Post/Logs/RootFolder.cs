namespace ePost.Post.Logs;

/// <summary>A folder as the root log lists it: its current name and its UIDVALIDITY.</summary>
public sealed record RootFolder(string Name, uint UidValidity);
