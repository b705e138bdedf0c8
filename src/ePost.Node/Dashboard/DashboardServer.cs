using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ePost.Mail.Autoconfig;
using ePost.Mail.Backend;
using ePost.Mail.Sessions;
using ePost.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ePost.Node.Dashboard;

/// <summary>
/// The node's web dashboard on ASP.NET Core (Kestrel): a login page, the dashboard page (the ring drawn as a circle,
/// storage, Glacier and the user's mail), <c>/api/status</c> as JSON, <c>/api/events</c> pushing changes as server-sent
/// events, and Thunderbird's autoconfig document. Plain HTTP on loopback, HTTPS with the node's certificate elsewhere.
/// Every request is bounded: small headers and bodies, a deadline on each layer asked, a cap on event streams.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private const int MaxEventStreams = 32;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private int _eventStreams;

    private DashboardServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where the dashboard is, e.g. <c>http://127.0.0.1:2080/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts the dashboard of <paramref name="node"/> (which serves mail) and returns once it listens.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardSettings settings, NodeHost node, X509Certificate2 certificate, MailServerPorts ports,
        TimeSpan deadline)
    {
        var mail = node.Mail ?? throw new InvalidOperationException("The dashboard needs a node that serves mail.");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "ePost.Node", EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxRequestLineSize = 8 * 1024;
            k.Limits.MaxConcurrentConnections = 128;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Listen(settings.ListenHost, settings.Port, listen =>
            {
                if (!settings.LoopbackOnly) listen.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        var auth = new DashboardAuth(mail.Directory, new LoginThrottle(LoginThrottleSettings.Default, node.System.Scheduler), settings.SessionLifetime, deadline);
        var snapshot = new DashboardSnapshot(node, DeliveryCounters.Start(node.System, Path.Combine(node.Settings.DataDir, "spool")), deadline);
        var server = (DashboardServer?)null;

        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            await next(context);
        });

        app.MapGet("/login", () => Html(DashboardPage.Login(null), 200));
        app.MapPost("/login", async context =>
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            var address = form?["address"].ToString() ?? "";
            var password = form?["password"].ToString() ?? "";
            if (await auth.LoginAsync(context, address, password) is { } user)
            {
                auth.StartSession(context, user);
                context.Response.Redirect("/", permanent: false);
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                return;
            }
            await Html(DashboardPage.Login("That address and password do not match a user of this node."), 401).ExecuteAsync(context);
        });
        app.MapPost("/logout", context =>
        {
            auth.EndSession(context);
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = "/login";
            return Task.CompletedTask;
        });
        app.MapGet("/app.js", () => Results.Text(DashboardPage.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Results.Text(DashboardPage.Style, "text/css; charset=utf-8"));

        app.MapGet("/", async context =>
        {
            // A browser without a session gets the login form, with 401 and nothing of the node's.
            var result = await auth.UserOfAsync(context) is null ? Html(DashboardPage.Login(null), 401) : Html(DashboardPage.Dashboard, 200);
            await result.ExecuteAsync(context);
        });
        app.MapGet("/api/status", async context =>
        {
            if (await auth.UserOfAsync(context) is not { } user)
            {
                await Challenge(context);
                return;
            }
            var view = await snapshot.CollectAsync(user, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(view, Json, context.RequestAborted);
        });
        app.MapGet("/api/events", async context =>
        {
            if (await auth.UserOfAsync(context) is not { } user)
            {
                await Challenge(context);
                return;
            }
            if (Interlocked.Increment(ref server!._eventStreams) > MaxEventStreams)
            {
                Interlocked.Decrement(ref server._eventStreams);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("Too many open dashboards on this node; close one.", context.RequestAborted);
                return;
            }
            try
            {
                await StreamAsync(context, user, mail.Store, snapshot, server._stopping.Token);
            }
            finally
            {
                Interlocked.Decrement(ref server._eventStreams);
            }
        });

        async Task Autoconfig(HttpContext context)
        {
            var address = context.Request.Query["emailaddress"].ToString();
            if (mail.Directory.Find(address) is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync($"This node serves no user '{Truncate(address)}'.", context.RequestAborted);
                return;
            }
            context.Response.Headers.CacheControl = "public, max-age=3600";
            await Results.Text(ThunderbirdAutoconfig.Generate(ports, address), "text/xml; charset=utf-8").ExecuteAsync(context);
        }
        app.MapGet("/.well-known/autoconfig/mail/config-v1.1.xml", Autoconfig);
        app.MapGet("/mail/config-v1.1.xml", Autoconfig);

        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new UriBuilder(bound) { Host = settings.ListenHost.Equals(IPAddress.Any) ? "127.0.0.1" : settings.ListenHost.ToString() }.Uri;
        server = new DashboardServer(app, url);
        return server;
    }

    private static async Task StreamAsync(HttpContext context, MailUser user, IMailStore store, DashboardSnapshot snapshot, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancel = linked.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        // A change in the user's mailbox wakes the stream at once; the ring and storage are looked at every two seconds.
        using var changed = new SemaphoreSlim(0, 1);
        using var watch = store.Watch(user, _ =>
        {
            if (changed.CurrentCount == 0)
            {
                try { changed.Release(); }
                catch (SemaphoreFullException) { }
            }
        });
        string? last = null;
        var quiet = 0;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                var json = JsonSerializer.Serialize(await snapshot.CollectAsync(user, cancel), Json);
                if (json != last)
                {
                    await context.Response.WriteAsync($"data: {json}\n\n", cancel);
                    last = json;
                    quiet = 0;
                }
                else if (++quiet >= 8)
                {
                    await context.Response.WriteAsync(": still here\n\n", cancel);
                    quiet = 0;
                }
                await context.Response.Body.FlushAsync(cancel);
                await changed.WaitAsync(TimeSpan.FromSeconds(2), cancel);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away or the node is stopping.
        }
    }

    private static Task Challenge(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"ePost dashboard\", charset=\"UTF-8\"";
        return context.Response.WriteAsync("Log in with your mail address and mail password.");
    }

    private static IResult Html(string page, int status) => Results.Content(page, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    /// <summary>Closes event streams and stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
