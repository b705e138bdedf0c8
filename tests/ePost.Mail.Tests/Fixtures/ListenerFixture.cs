using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Akka.Actor;
using Akka.TestKit;
using ePost.Mail.Sessions;
using ePost.Mail.Tls;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// Test base for real-socket tests: an actor system on the virtual-time TestScheduler (idle timers and login delays
/// fire only when a test advances time), a temporary data directory with the node certificate, listeners on port 0.
/// </summary>
public abstract class ListenerFixture : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Virtual time.</summary>
    protected const string VirtualTime = "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"";

    /// <summary>Starts an actor system on virtual time.</summary>
    protected ListenerFixture() : base(VirtualTime)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "epost-mail-" + Guid.NewGuid().ToString("N"));
        Certificate = NodeCertificate.LoadOrCreate(DataDirectory, "localhost", Scheduler.Now);
    }

    /// <summary>The test's data directory (deleted afterwards).</summary>
    protected string DataDirectory { get; }

    /// <summary>The node certificate created in the data directory.</summary>
    protected X509Certificate2 Certificate { get; }

    /// <summary>The virtual-time scheduler.</summary>
    protected TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Starts a listener and returns its bound port.</summary>
    protected async Task<int> StartAsync(ISessionFactory factory, bool implicitTls = false, int maxPerAddress = 10, TimeSpan? idle = null)
    {
        var settings = ListenerSettings.Loopback() with
        {
            ImplicitTls = implicitTls,
            MaxConnectionsPerAddress = maxPerAddress,
            IdleTimeout = idle ?? TimeSpan.FromMinutes(5),
        };
        var listener = Sys.ActorOf(ListenerActor.Props(settings, factory, Certificate));
        var bound = await listener.Ask<ListenerBound>(GetBinding.Instance, TimeSpan.FromSeconds(5));
        return bound.Endpoint.Port;
    }

    /// <summary>Accepts exactly our node certificate (self-signed, so not chain-validated).</summary>
    protected bool IsOurCertificate(X509Certificate? presented) =>
        presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString();

    /// <summary>A raw client for exact byte-level exchanges.</summary>
    protected static async Task<RawClient> ConnectRawAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return new RawClient(tcp);
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        base.AfterAll();
        Certificate.Dispose();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }
}

/// <summary>A line-oriented test client over a socket, with an optional TLS upgrade.</summary>
public sealed class RawClient(TcpClient tcp) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private Stream stream = tcp.GetStream();
    private StreamReader reader = new(tcp.GetStream(), Encoding.UTF8);

    /// <summary>Sends bytes exactly as given.</summary>
    public Task SendAsync(string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

    /// <summary>The next line (null at end of stream); fails the test if nothing comes within a generous bound.</summary>
    public async Task<string?> ReadLineAsync() => await reader.ReadLineAsync().WaitAsync(Patience);

    /// <summary>Starts a read without waiting for it.</summary>
    public Task<string?> BeginReadLine() => reader.ReadLineAsync();

    /// <summary>Reads lines until one that starts with <paramref name="last"/>.</summary>
    public async Task<List<string>> ReadUntilAsync(string last)
    {
        var lines = new List<string>();
        string? line;
        do lines.Add(line = await ReadLineAsync() ?? throw new EndOfStreamException());
        while (!line.StartsWith(last, StringComparison.Ordinal));
        return lines;
    }

    /// <summary>Performs the client side of a TLS handshake (accepting any certificate; tests check it separately).</summary>
    public async Task UpgradeAsync()
    {
        var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost").WaitAsync(Patience);
        stream = ssl;
        reader = new StreamReader(ssl, Encoding.UTF8);
    }

    /// <inheritdoc />
    public void Dispose() => tcp.Dispose();
}
