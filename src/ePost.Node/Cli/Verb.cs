namespace ePost.Node.Cli;

/// <summary>One <c>epost</c> sub-command.</summary>
/// <param name="Name">The word that selects it.</param>
/// <param name="Summary">One line for the usage text.</param>
/// <param name="Run">Runs it with the remaining words; returns the process exit code.</param>
public sealed record Verb(string Name, string Summary, Func<IReadOnlyList<string>, CancellationToken, Task<int>> Run);
