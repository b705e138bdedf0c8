using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;
using ePost.Mail.Imap.States;
using ePost.Mail.Sessions;

namespace ePost.Mail.Imap;

// Commands about the connection: CAPABILITY, LOGOUT, ID, STARTTLS, LOGIN, AUTHENTICATE, ENABLE, NAMESPACE, IDLE.
public sealed partial class ImapSession
{
    private SessionStep Capability(ImapResponseWriter writer, CapabilityCommand command)
    {
        writer.Untagged("CAPABILITY " + string.Join(' ', Capabilities()));
        writer.Tagged(command.Tag, ImapStatus.Ok, null, "CAPABILITY completed");
        return Step(writer);
    }

    private SessionStep Logout(ImapResponseWriter writer, LogoutCommand command)
    {
        closed = true;
        State = ImapSessionState.Logout;
        writer.UntaggedStatus(ImapStatus.Bye, null, "Logging out");
        writer.Tagged(command.Tag, ImapStatus.Ok, null, "LOGOUT completed");
        return Close(writer);
    }

    private SessionStep Id(ImapResponseWriter writer, IdCommand command)
    {
        ImapDataResponses.Id(writer, [new("name", "ePost"), new("vendor", "ePost.Actors")]);
        writer.Tagged(command.Tag, ImapStatus.Ok, null, "ID completed");
        return Step(writer);
    }

    private SessionStep StartTls(ImapResponseWriter writer, StartTlsCommand command)
    {
        if (tls)
        {
            writer.Tagged(command.Tag, ImapStatus.Bad, null, "TLS is already active");
            return CountError(writer);
        }
        if (!context.CanStartTls)
        {
            writer.Tagged(command.Tag, ImapStatus.No, null, "TLS is not available");
            return Step(writer);
        }
        writer.Tagged(command.Tag, ImapStatus.Ok, null, "Begin TLS negotiation now");
        // RFC 3501 §11.1 / RFC 2595 §3.1: anything the client pipelined behind STARTTLS was sent in plaintext and
        // could have been injected by an attacker; it must never be executed as if sent under TLS.
        reader.DiscardBuffered();
        return new SessionStep(writer.ToArray(), SessionAction.StartTls);
    }

    private SessionStep Compress(ImapResponseWriter writer, CompressCommand command)
    {
        if (compressed)
        {
            writer.Tagged(command.Tag, ImapStatus.No, "COMPRESSIONACTIVE", "DEFLATE is already active");
            return Step(writer);
        }
        if (command.Mechanism != "DEFLATE")
        {
            writer.Tagged(command.Tag, ImapStatus.Bad, null, $"Unknown compression mechanism {(command.Mechanism.Length > 32 ? command.Mechanism[..32] : command.Mechanism)}");
            return CountError(writer);
        }
        writer.Tagged(command.Tag, ImapStatus.Ok, null, "DEFLATE active");
        // RFC 4978 §3: compression starts right after the OK; anything the client sent uncompressed behind COMPRESS
        // would be misread once inflated, so it is dropped, as after STARTTLS.
        reader.DiscardBuffered();
        compressed = true;
        return new SessionStep(writer.ToArray(), SessionAction.StartCompression);
    }

    private async Task<SessionStep> LoginAsync(ImapResponseWriter writer, string tag, string name, string password, CancellationToken cancellation)
    {
        if (ImapCapabilities.LoginDisabled(tls, settings.AllowPlaintextLoginOnLoopback && context.IsLoopback))
        {
            writer.Tagged(tag, ImapStatus.No, "PRIVACYREQUIRED", "Log in after STARTTLS");
            return Step(writer);
        }
        if (throttle.IsBlocked(context.Remote.Address))
        {
            closed = true;
            writer.UntaggedStatus(ImapStatus.Bye, "UNAVAILABLE", "Too many failed logins from your address; try again later");
            return Close(writer);
        }
        var user = await directory.AuthenticateAsync(name, password, cancellation);
        if (user is null) return FailedLogin(writer, tag);
        LoggedIn(user);
        writer.Tagged(tag, ImapStatus.Ok, "CAPABILITY " + string.Join(' ', Capabilities()), "Logged in");
        return Step(writer);
    }

    private SessionStep FailedLogin(ImapResponseWriter writer, string tag)
    {
        // Held back by the session actor's scheduler, longer with each recent failure from the address.
        var delay = throttle.RecordFailure(context.Remote.Address);
        writer.Tagged(tag, ImapStatus.No, "AUTHENTICATIONFAILED", "Invalid credentials");
        return Step(writer) with { Delay = delay };
    }

    private void LoggedIn(MailUser user)
    {
        User = user;
        State = ImapSessionState.Authenticated;
        reader.Limits = settings.Limits;
        watch = store.Watch(user, OnFolderChanged);
    }

    /// <summary>The store's watch callback: any thread, must be quick.</summary>
    private void OnFolderChanged(string folder)
    {
        // With no folder selected the flag is set anyway: a SELECT may be reading right now, and a change that lands
        // between its read and its end must still be told at the next command. The cost is one spare re-read.
        var current = selected;
        if (current is not null && folder.Length > 0 && folder != current.Name) return;
        Interlocked.Exchange(ref folderChanged, 1);
        if (Idling) wakeUp();
    }

    private async Task<SessionStep> AuthenticateAsync(ImapResponseWriter writer, AuthenticateCommand command, CancellationToken cancellation)
    {
        if (ImapCapabilities.LoginDisabled(tls, settings.AllowPlaintextLoginOnLoopback && context.IsLoopback))
        {
            // Refused before the exchange starts, so the client never sends its credentials in the clear.
            writer.Tagged(command.Tag, ImapStatus.No, "PRIVACYREQUIRED", "Log in after STARTTLS");
            return Step(writer);
        }
        if (!command.Mechanism.Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            writer.Tagged(command.Tag, ImapStatus.No, null, $"Unsupported authentication mechanism {command.Mechanism}");
            return Step(writer);
        }
        if (command.InitialResponse is { } initial) return await PlainResponseAsync(command.Tag, initial, writer, cancellation);
        authenticateTag = command.Tag;
        reader.ExpectContinuationLine();
        writer.Raw("+ ").EndLine();
        return Step(writer);
    }

    private async Task<SessionStep> PlainResponseAsync(string tag, string response, ImapResponseWriter writer, CancellationToken cancellation)
    {
        if (response == "*")
        {
            writer.Tagged(tag, ImapStatus.Bad, null, "Authentication cancelled");
            return CountError(writer);
        }
        var buffer = new byte[response.Length];
        string[] parts;
        try
        {
            if (response == "=") response = "";
            if (!Convert.TryFromBase64String(response, buffer, out var written)) throw new FormatException();
            parts = new UTF8Encoding(false, true).GetString(buffer, 0, written).Split('\0');
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            writer.Tagged(tag, ImapStatus.Bad, null, "Cannot decode the SASL response");
            return CountError(writer);
        }
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            writer.Tagged(tag, ImapStatus.Bad, null, "Malformed PLAIN response");
            return CountError(writer);
        }
        // No proxy login: an authorization identity must name the authenticating user itself.
        if (parts[0].Length > 0 && parts[0] != parts[1]) return FailedLogin(writer, tag);
        return await LoginAsync(writer, tag, parts[1], parts[2], cancellation);
    }

    private SessionStep Enable(ImapResponseWriter writer, EnableCommand command)
    {
        var enabled = new List<string>();
        if (command.Capabilities.Contains("CONDSTORE") && !condStore)
        {
            condStore = true;
            enabled.Add("CONDSTORE");
        }
        if (command.Capabilities.Contains("QRESYNC") && !qresync)
        {
            // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE; from now on expunges are reported as VANISHED.
            qresync = true;
            condStore = true;
            enabled.Add("QRESYNC");
        }
        if (command.Capabilities.Contains("UTF8=ACCEPT") && !parser.Utf8Accept)
        {
            // RFC 6855 §3: from the next command on, names are UTF-8 both ways; this ENABLE's own answer is unchanged.
            parser.Utf8Accept = true;
            enabled.Add("UTF8=ACCEPT");
        }
        // Keywords arrive upper-cased, so "IMAP4rev2" is matched as IMAP4REV2 and answered in its own spelling.
        if (command.Capabilities.Contains("IMAP4REV2") && !imap4rev2)
        {
            // RFC 9051 §6.3.1: from now on no \Recent, SEARCH answers ESEARCH, names are UTF-8 both ways (§5.1); a
            // mailbox selected already keeps its RFC 3501 view until it is selected again.
            imap4rev2 = true;
            parser.Utf8Accept = true;
            enabled.Add("IMAP4rev2");
        }
        // RFC 5161 §3.1: capabilities the server does not know or cannot enable are left out of ENABLED, not refused.
        writer.Untagged(string.Join(' ', ["ENABLED", .. enabled]));
        writer.Tagged(command.Tag, ImapStatus.Ok, null, "ENABLE completed");
        return Step(writer);
    }

    private Task<SessionStep> Namespace(ImapResponseWriter writer, NamespaceCommand command, CancellationToken cancellation)
    {
        ImapDataResponses.Namespace(writer);
        return CompleteAsync(writer, command.Tag, "NAMESPACE completed", true, cancellation);
    }

    private async Task<SessionStep> IdleAsync(ImapResponseWriter writer, IdleCommand command, CancellationToken cancellation)
    {
        // Idling before the first synchronisation: a change that lands in between wakes the session (OnFolderChanged).
        idleTag = command.Tag;
        reader.ExpectContinuationLine();
        writer.Continuation("idling");
        await SynchronizeAsync(writer, allowExpunge: true, cancellation);
        return Step(writer);
    }
}
