using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Mailbox;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.States;
using ePost.Mail.Sessions;

namespace ePost.Mail.Imap;

/// <summary>
/// One IMAP connection, RFC 3501 and, once the client enables it, RFC 9051 IMAP4rev2 (with LITERAL+, SASL-IR, ID,
/// ENABLE, IDLE, NAMESPACE, UIDPLUS, MOVE, UNSELECT, CHILDREN, SPECIAL-USE, CONDSTORE, QRESYNC, STATUS=SIZE,
/// LIST-STATUS, LIST-EXTENDED, PREVIEW, UTF8=ACCEPT, OBJECTID, SAVEDATE, ESEARCH, SEARCHRES, BINARY and COMPRESS=DEFLATE) over an
/// <see cref="IMailStore"/>. Bytes go through the pure
/// <see cref="ImapCommandReader"/> and <see cref="ImapCommandParser"/>; each command is one method of a partial file
/// by concern. Changes made by other sessions reach the client at command boundaries and during IDLE, found by
/// re-reading the folder after the store's watch callback and diffing it with the <see cref="SelectedMailboxView"/>.
/// </summary>
public sealed partial class ImapSession : IStreamProtocolSession, IDisposable
{
    private readonly ImapSettings settings;
    private readonly SessionContext context;
    private readonly IMailUserDirectory directory;
    private readonly IMailStore store;
    private readonly LoginThrottle throttle;
    private readonly RecentRegistry recent;
    private readonly ITimeProvider clock;
    private readonly ImapCommandReader reader;
    private readonly ImapCommandParser parser;
    private Action wakeUp = () => { };
    private IDisposable? watch;
    // Read by the store's watch callback on other threads, hence volatile.
    private volatile SelectedFolder? selected;
    private FetchRun? fetchInProgress;
    // Read by the store's watch callback on other threads, hence volatile.
    private volatile string? idleTag;
    private string? authenticateTag;
    private bool tls;
    private bool compressed;
    private bool qresync;
    private bool condStore;
    private bool imap4rev2;
    // The UIDs of the last SEARCH RETURN (SAVE) in the selected mailbox: what "$" names (RFC 5182).
    private IReadOnlyList<uint> savedResult = [];
    private bool closed;
    private int errors;

    // Set by the store's watch callback (any thread), cleared by the session when it re-reads the selected folder.
    private int folderChanged;

    /// <summary>A session for one connection.</summary>
    public ImapSession(ImapSettings settings, SessionContext context, IMailUserDirectory directory, IMailStore store, LoginThrottle throttle,
        RecentRegistry recent, ITimeProvider clock)
    {
        this.settings = settings;
        this.context = context;
        this.directory = directory;
        this.store = store;
        this.throttle = throttle;
        this.recent = recent;
        this.clock = clock;
        tls = context.IsTls;
        reader = new ImapCommandReader(settings.PreAuthLimits);
        parser = new ImapCommandParser(settings.Limits);
    }

    /// <summary>The RFC 3501 state.</summary>
    public ImapSessionState State { get; private set; } = ImapSessionState.NotAuthenticated;

    /// <summary>The logged-in user, if any.</summary>
    public MailUser? User { get; private set; }

    /// <summary>The selected folder's name, if any.</summary>
    public string? SelectedFolderName => selected?.Name;

    private bool Idling => idleTag is not null;

    /// <inheritdoc />
    public SessionStep Greeting() =>
        SessionStep.Reply($"* OK [CAPABILITY {string.Join(' ', Capabilities())}] {settings.HostName} ePost IMAP4rev1 server ready");

    /// <inheritdoc />
    public SessionStep IdleTimeout() => SessionStep.ReplyAndClose("* BYE Autologout; idle for too long");

    /// <inheritdoc />
    public void TlsEstablished() => tls = true;

    /// <inheritdoc />
    public void AttachWakeUp(Action action) => wakeUp = action;

    /// <inheritdoc />
    public void Append(ReadOnlySpan<byte> bytes) => reader.Append(bytes);

    /// <inheritdoc />
    public ValueTask<SessionStep>? HandleNext(CancellationToken cancellation)
    {
        if (closed) return null;
        if (fetchInProgress is { } run) return new ValueTask<SessionStep>(ContinueFetchAsync(run, cancellation));
        if (!reader.TryRead(out var readerEvent)) return null;
        return HandleEventAsync(readerEvent, cancellation);
    }

    /// <inheritdoc />
    public async ValueTask<SessionStep> WakeUpAsync(CancellationToken cancellation)
    {
        if (!Idling || selected is null) return SessionStep.None;
        var writer = NewWriter();
        try
        {
            await SynchronizeAsync(writer, allowExpunge: true, cancellation);
        }
        catch (MailboxGoneException e)
        {
            return Gone(writer, e);
        }
        return Step(writer);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        watch?.Dispose();
        watch = null;
    }

    private async ValueTask<SessionStep> HandleEventAsync(ImapReaderEvent readerEvent, CancellationToken cancellation)
    {
        var writer = NewWriter();
        switch (readerEvent)
        {
            case ImapContinuationNeeded needed:
                writer.Continuation(needed.Text);
                return Step(writer);
            case ImapCommandRejected rejected:
                writer.Rejection(rejected);
                return rejected.Status == ImapStatus.Bad ? CountError(writer) : Step(writer);
            case ImapConnectionClosing closing:
                closed = true;
                writer.UntaggedStatus(ImapStatus.Bye, null, closing.Text);
                return Close(writer);
            case ImapContinuationLine line:
                try
                {
                    return await ContinuationLineAsync(line.Line, writer, cancellation);
                }
                catch (MailboxGoneException e)
                {
                    return Gone(writer, e);
                }
            case ImapCommandFramed framed:
                var parsed = parser.Parse(framed.Frame);
                if (parsed.Command is null)
                {
                    writer.Rejection(parsed.Error!);
                    return parsed.Error!.Status == ImapStatus.Bad ? CountError(writer) : Step(writer);
                }
                return await ExecuteAsync(parsed.Command, writer, cancellation);
            default:
                throw new InvalidOperationException($"Unknown reader event {readerEvent.GetType().Name}");
        }
    }

    private async ValueTask<SessionStep> ContinuationLineAsync(string line, ImapResponseWriter writer, CancellationToken cancellation)
    {
        if (idleTag is { } tag)
        {
            idleTag = null;
            if (!line.Equals("DONE", StringComparison.OrdinalIgnoreCase))
            {
                writer.Tagged(tag, ImapStatus.Bad, null, "Expected DONE");
                return CountError(writer);
            }
            await SynchronizeAsync(writer, allowExpunge: true, cancellation);
            writer.Tagged(tag, ImapStatus.Ok, null, "IDLE terminated");
            return Step(writer);
        }
        if (authenticateTag is { } authTag)
        {
            authenticateTag = null;
            try
            {
                return await PlainResponseAsync(authTag, line, writer, cancellation);
            }
            catch (MailStoreException e)
            {
                writer.Tagged(authTag, ImapStatus.No, e.Error == MailStoreError.Unavailable ? "UNAVAILABLE" : null, e.Message);
                return Step(writer);
            }
        }
        throw new InvalidOperationException("A continuation line arrived that nobody asked for.");
    }

    private async ValueTask<SessionStep> ExecuteAsync(ImapCommand command, ImapResponseWriter writer, CancellationToken cancellation)
    {
        if (!CommandStateTable.IsAllowed(command, State))
        {
            writer.Tagged(command.Tag, ImapStatus.Bad, null, StateError(command));
            return CountError(writer);
        }
        try
        {
            return command switch
            {
                CapabilityCommand c => Capability(writer, c),
                NoopCommand or CheckCommand => await CompleteAsync(writer, command.Tag, $"{Name(command)} completed", true, cancellation),
                LogoutCommand c => Logout(writer, c),
                IdCommand c => Id(writer, c),
                StartTlsCommand c => StartTls(writer, c),
                LoginCommand c => await LoginAsync(writer, c.Tag, c.User, c.Password, cancellation),
                AuthenticateCommand c => await AuthenticateAsync(writer, c, cancellation),
                EnableCommand c => Enable(writer, c),
                CompressCommand c => Compress(writer, c),
                NamespaceCommand c => await Namespace(writer, c, cancellation),
                IdleCommand c => await IdleAsync(writer, c, cancellation),
                SelectCommand c => await SelectAsync(writer, c, cancellation),
                CreateCommand c => await CreateAsync(writer, c, cancellation),
                DeleteCommand c => await DeleteAsync(writer, c, cancellation),
                RenameCommand c => await RenameAsync(writer, c, cancellation),
                SubscribeCommand c => await SubscribeAsync(writer, c, cancellation),
                ListCommand c => await ListAsync(writer, c, cancellation),
                StatusCommand c => await StatusAsync(writer, c, cancellation),
                AppendCommand c => await AppendAsync(writer, c, cancellation),
                CloseCommand c => await CloseAsync(writer, c, expunge: true, cancellation),
                UnselectCommand c => await CloseAsync(writer, c, expunge: false, cancellation),
                ExpungeCommand c => await ExpungeAsync(writer, c, cancellation),
                SearchCommand c => await SearchAsync(writer, c, cancellation),
                FetchCommand c => await FetchAsync(writer, c, cancellation),
                StoreCommand c => await StoreAsync(writer, c, cancellation),
                CopyCommand c => await CopyAsync(writer, c.Tag, c.Uid, c.Set, c.Mailbox, move: false, cancellation),
                MoveCommand c => await CopyAsync(writer, c.Tag, c.Uid, c.Set, c.Mailbox, move: true, cancellation),
                _ => throw new InvalidOperationException($"No handler for {command.GetType().Name}"),
            };
        }
        catch (MailStoreException e)
        {
            writer.Tagged(command.Tag, ImapStatus.No, StoreErrorCode(e.Error, command), e.Message);
            return Step(writer);
        }
        catch (MailboxGoneException e)
        {
            return Gone(writer, e);
        }
    }

    private SessionStep Gone(ImapResponseWriter writer, MailboxGoneException e)
    {
        closed = true;
        writer.UntaggedStatus(ImapStatus.Bye, null, e.Message);
        return Close(writer);
    }

    private string StateError(ImapCommand command) => State switch
    {
        ImapSessionState.NotAuthenticated => $"{Name(command)} needs a logged-in user",
        ImapSessionState.Selected or ImapSessionState.Authenticated when command is SearchCommand or FetchCommand or StoreCommand
            or CopyCommand or MoveCommand or ExpungeCommand or CloseCommand or UnselectCommand or CheckCommand => $"{Name(command)} needs a selected mailbox",
        _ => $"{Name(command)} is not allowed in this state",
    };

    /// <summary>The command's IMAP name, from its type ("CopyCommand" is COPY).</summary>
    private static string Name(ImapCommand command) => command.GetType().Name.Replace("Command", "").ToUpperInvariant();

    /// <summary>RFC 5530 response codes; a missing COPY/MOVE/APPEND target is [TRYCREATE] (RFC 3501 §6.3.11).</summary>
    private static string? StoreErrorCode(MailStoreError error, ImapCommand command) => error switch
    {
        MailStoreError.NoSuchFolder when command is CopyCommand or MoveCommand or AppendCommand => "TRYCREATE",
        MailStoreError.NoSuchFolder => "NONEXISTENT",
        MailStoreError.AlreadyExists => "ALREADYEXISTS",
        MailStoreError.InvalidName or MailStoreError.NotAllowed => "CANNOT",
        MailStoreError.OverQuota => "OVERQUOTA",
        MailStoreError.Unavailable => "UNAVAILABLE",
        _ => null,
    };

    private IReadOnlyList<string> Capabilities() =>
        ImapCapabilities.For(State, tls, context.CanStartTls, settings.AllowPlaintextLoginOnLoopback && context.IsLoopback, 
            ["CONDSTORE", "QRESYNC", "STATUS=SIZE", "LIST-STATUS", "LIST-EXTENDED", "PREVIEW", "UTF8=ACCEPT", "OBJECTID", "SAVEDATE", "ESEARCH",
                "SEARCHRES", "BINARY", .. compressed ? Array.Empty<string>() : ["COMPRESS=DEFLATE"]]);

    /// <summary>Sends any pending untagged updates, then the tagged OK.</summary>
    private async Task<SessionStep> CompleteAsync(ImapResponseWriter writer, string tag, string text, bool allowExpunge,
        CancellationToken cancellation, string? code = null)
    {
        await SynchronizeAsync(writer, allowExpunge, cancellation);
        writer.Tagged(tag, ImapStatus.Ok, code, text);
        return Step(writer);
    }

    private SessionStep CountError(ImapResponseWriter writer)
    {
        if (++errors < settings.MaxErrors) return Step(writer);
        closed = true;
        writer.UntaggedStatus(ImapStatus.Bye, null, "Too many protocol errors");
        return Close(writer);
    }

    /// <summary>A writer for this session's responses: UTF-8 mailbox names and strings once UTF8=ACCEPT is enabled.</summary>
    private ImapResponseWriter NewWriter() => new() { Utf8 = parser.Utf8Accept };

    private static SessionStep Step(ImapResponseWriter writer) => new(writer.ToArray());

    private static SessionStep Close(ImapResponseWriter writer) => new(writer.ToArray(), SessionAction.Close);

    /// <summary>The selected folder vanished or was recreated under the session: it cannot go on (RFC 3501 §2.3.1.1).</summary>
    private sealed class MailboxGoneException(string message) : Exception(message);
}
