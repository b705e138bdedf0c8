using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp.Commands;

namespace ePost.Mail.Smtp;

/// <summary>AUTH PLAIN and LOGIN (RFC 4954, 4616), with the plaintext policy and failed-login throttling.</summary>
public sealed partial class SmtpSession
{
    private const string UsernameChallenge = "334 VXNlcm5hbWU6"; // base64("Username:")
    private const string PasswordChallenge = "334 UGFzc3dvcmQ6"; // base64("Password:")
    private string? mechanism;
    private string? loginName;

    /// <summary>AUTH is offered only under TLS, or in plaintext from loopback when configured (see docs/decisions.md).</summary>
    private bool AuthPermitted => tls || (context.IsLoopback && settings.AllowPlaintextAuthOnLoopback);

    private async Task<Result> StartAuthAsync(AuthCommand auth, CancellationToken cancellation)
    {
        if (settings.Mode == SmtpMode.Gateway) return Failed("502 5.5.1 AUTH not available on this port");
        if (User is not null) return Failed("503 5.5.1 Already authenticated");
        if (!AuthPermitted) return Failed("538 5.7.11 Encryption required for requested authentication mechanism");
        if (throttle.IsBlocked(context.Remote.Address))
            return new Result(SessionStep.ReplyAndClose("421 4.7.0 Too many failed logins from your address; try again later"), Outcome.Failed);
        mechanism = auth.Mechanism;
        loginName = null;
        switch (auth.Mechanism)
        {
            case "PLAIN" when auth.InitialResponse is null:
                return new Result(SessionStep.Reply("334 "), Outcome.Pending);
            case "LOGIN" when auth.InitialResponse is null:
                return new Result(SessionStep.Reply(UsernameChallenge), Outcome.Pending);
            case "PLAIN" or "LOGIN":
                var step = await RespondAsync(auth.InitialResponse, cancellation);
                return new Result(step, State == SmtpState.Auth ? Outcome.Pending : Outcome.Done);
            default:
                mechanism = null;
                return Failed("504 5.5.4 Unrecognized authentication type");
        }
    }

    /// <summary>Handles one SASL response; leaves <see cref="State"/> at Auth when another response is expected.</summary>
    private async Task<SessionStep> RespondAsync(string response, CancellationToken cancellation)
    {
        State = SmtpState.Auth;
        if (response == "*") return EndAuth("501 5.0.0 Authentication cancelled");
        if (!TryDecode(response, out var decoded)) return EndAuth("501 5.5.2 Cannot decode response");
        if (mechanism == "LOGIN" && loginName is null)
        {
            loginName = decoded;
            return SessionStep.Reply(PasswordChallenge);
        }
        if (mechanism == "LOGIN") return await VerifyAsync(loginName!, decoded, cancellation);

        var parts = decoded.Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0) return EndAuth("501 5.5.2 Malformed PLAIN response");
        // No proxy authorization: an authorization identity must be the authentication identity itself.
        if (parts[0].Length > 0 && parts[0] != parts[1]) return await FailLoginAsync();
        return await VerifyAsync(parts[1], parts[2], cancellation);
    }

    private async Task<SessionStep> VerifyAsync(string name, string password, CancellationToken cancellation)
    {
        MailUser? user;
        try
        {
            user = await directory.AuthenticateAsync(name, password, cancellation);
        }
        catch (MailStoreException e)
        {
            // RFC 4954 §6: a temporary failure, not a wrong password, so no login delay.
            return EndAuth($"454 4.7.0 Temporary authentication failure: {e.Message}");
        }
        if (user is null) return await FailLoginAsync();
        User = user;
        return EndAuth("235 2.7.0 Authentication successful");
    }

    private Task<SessionStep> FailLoginAsync()
    {
        // The reply is held back (scheduled by the session actor, never slept); the delay grows with recent failures.
        var delay = throttle.RecordFailure(context.Remote.Address);
        var step = EndAuth("535 5.7.8 Authentication credentials invalid") with { Delay = delay };
        return Task.FromResult(step);
    }

    private SessionStep EndAuth(string reply)
    {
        State = SmtpState.Greeted;
        mechanism = null;
        loginName = null;
        return SessionStep.Reply(reply);
    }

    private static bool TryDecode(string base64, out string text)
    {
        text = "";
        if (base64 == "=") return true;
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, buffer, out var written)) return false;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
