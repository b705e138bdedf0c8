using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Sessions;
using Microsoft.AspNetCore.Http;

namespace ePost.Node.Dashboard;

/// <summary>
/// Who a dashboard request is from: a session cookie from the login page, or HTTP Basic credentials (address and mail
/// password) for scripts. Failed logins are throttled per client address like the mail protocols' (the same
/// <see cref="LoginThrottle"/> rules), and sessions are random 256-bit tokens held in memory only.
/// </summary>
public sealed class DashboardAuth(IMailUserDirectory directory, LoginThrottle throttle, TimeSpan sessionLifetime, TimeSpan deadline)
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "epost_session";

    private const int MaxSessions = 1024;
    private const int MaxCredentialLength = 1024;
    private readonly ConcurrentDictionary<string, (MailUser User, DateTimeOffset Until)> _sessions = new(StringComparer.Ordinal);

    /// <summary>The user a request is authenticated as, or null (the caller answers 401).</summary>
    public async Task<MailUser?> UserOfAsync(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var token) && token is { Length: 64 }
            && _sessions.TryGetValue(token, out var session))
        {
            if (session.Until > DateTimeOffset.UtcNow) return session.User;
            _sessions.TryRemove(token, out _);
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || header.Length > MaxCredentialLength) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':');
        return colon <= 0 ? null : await LoginAsync(context, decoded[..colon], decoded[(colon + 1)..]);
    }

    /// <summary>Checks an address and mail password; a failure is recorded against the client and held back by the throttle's delay.</summary>
    public async Task<MailUser?> LoginAsync(HttpContext context, string address, string password)
    {
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (throttle.IsBlocked(client) || address.Length > 320 || password.Length > MaxCredentialLength) return null;
        MailUser? user;
        try
        {
            user = await directory.AuthenticateAsync(address, password, context.RequestAborted).WaitAsync(deadline, context.RequestAborted);
        }
        catch (Exception e) when (e is TimeoutException or MailStoreException)
        {
            return null;
        }
        if (user is not null) return user;
        await Task.Delay(throttle.RecordFailure(client), context.RequestAborted);
        return null;
    }

    /// <summary>Starts a session for <paramref name="user"/> and sets its cookie on the response.</summary>
    public void StartSession(HttpContext context, MailUser user)
    {
        var now = DateTimeOffset.UtcNow;
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (key, value) in _sessions)
                if (value.Until <= now) _sessions.TryRemove(key, out _);
            // Still full: the oldest go, so logging in always works.
            foreach (var (key, _) in _sessions.OrderBy(s => s.Value.Until).Take(_sessions.Count - MaxSessions + 1)) _sessions.TryRemove(key, out _);
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _sessions[token] = (user, now + sessionLifetime);
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = sessionLifetime,
        });
    }

    /// <summary>Ends the request's session, if it has one.</summary>
    public void EndSession(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var token) && token is not null) _sessions.TryRemove(token, out _);
        context.Response.Cookies.Delete(CookieName);
    }
}
