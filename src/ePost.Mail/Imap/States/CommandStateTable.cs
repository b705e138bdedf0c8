using ePost.Mail.Imap.Commands;

namespace ePost.Mail.Imap.States;

/// <summary>
/// Which commands are legal in which state, as one declarative table (RFC 3501 §6 plus the extensions).
/// The session checks it before executing and answers "BAD Command not allowed in this state" otherwise.
/// </summary>
public static class CommandStateTable
{
    private const ImapSessionState N = ImapSessionState.NotAuthenticated;
    private const ImapSessionState A = ImapSessionState.Authenticated;
    private const ImapSessionState S = ImapSessionState.Selected;

    private static readonly Dictionary<Type, ImapSessionState[]> Allowed = new()
    {
        [typeof(CapabilityCommand)] = [N, A, S],
        [typeof(NoopCommand)] = [N, A, S],
        [typeof(LogoutCommand)] = [N, A, S],
        [typeof(IdCommand)] = [N, A, S],
        [typeof(StartTlsCommand)] = [N],
        [typeof(AuthenticateCommand)] = [N],
        [typeof(LoginCommand)] = [N],
        [typeof(EnableCommand)] = [A],
        [typeof(CompressCommand)] = [A, S],
        [typeof(NamespaceCommand)] = [A, S],
        [typeof(IdleCommand)] = [A, S],
        [typeof(SelectCommand)] = [A, S],
        [typeof(CreateCommand)] = [A, S],
        [typeof(DeleteCommand)] = [A, S],
        [typeof(RenameCommand)] = [A, S],
        [typeof(SubscribeCommand)] = [A, S],
        [typeof(ListCommand)] = [A, S],
        [typeof(StatusCommand)] = [A, S],
        [typeof(AppendCommand)] = [A, S],
        [typeof(CheckCommand)] = [S],
        [typeof(CloseCommand)] = [S],
        [typeof(UnselectCommand)] = [S],
        [typeof(ExpungeCommand)] = [S],
        [typeof(SearchCommand)] = [S],
        [typeof(FetchCommand)] = [S],
        [typeof(StoreCommand)] = [S],
        [typeof(CopyCommand)] = [S],
        [typeof(MoveCommand)] = [S],
    };

    /// <summary>True when <paramref name="command"/> may run in <paramref name="state"/>.</summary>
    public static bool IsAllowed(ImapCommand command, ImapSessionState state) =>
        Allowed.TryGetValue(command.GetType(), out var states) && states.Contains(state);

    /// <summary>Every command type the table knows (a new command type without an entry is a bug the tests catch).</summary>
    public static IReadOnlyCollection<Type> CommandTypes => Allowed.Keys;
}
