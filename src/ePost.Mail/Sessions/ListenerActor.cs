using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Event;

namespace ePost.Mail.Sessions;

/// <summary>
/// Listens on one port and starts one <see cref="SessionActor"/> per accepted connection (named after the protocol,
/// e.g. <c>smtp-session-3</c>), refusing clients that already hold the per-address maximum of connections.
/// </summary>
public sealed class ListenerActor : ReceiveActor
{
    private readonly ListenerSettings settings;
    private readonly ISessionFactory factory;
    private readonly X509Certificate2? certificate;
    private readonly ConnectionLimit limit;
    private readonly Dictionary<IActorRef, IPAddress> sessions = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private TcpListener? listener;
    private long accepted;

    /// <summary>Props for a listener; it binds in PreStart and answers <see cref="GetBinding"/> with the bound endpoint.</summary>
    /// <param name="settings">Endpoint, TLS mode, limits.</param>
    /// <param name="factory">Creates the protocol session for each connection.</param>
    /// <param name="certificate">Server certificate; STARTTLS is offered and implicit TLS possible only with one.</param>
    public static Props Props(ListenerSettings settings, ISessionFactory factory, X509Certificate2? certificate) =>
        Akka.Actor.Props.Create(() => new ListenerActor(settings, factory, certificate));

    /// <summary>Use <see cref="Props"/>; public only because Akka activates actors through public constructors.</summary>
    public ListenerActor(ListenerSettings settings, ISessionFactory factory, X509Certificate2? certificate)
    {
        if (settings.ImplicitTls && certificate is null) throw new ArgumentException("Implicit TLS needs a certificate.", nameof(certificate));
        this.settings = settings;
        this.factory = factory;
        this.certificate = certificate;
        limit = new ConnectionLimit(settings.MaxConnectionsPerAddress);

        Receive<GetBinding>(_ => Sender.Tell(new ListenerBound((IPEndPoint)listener!.LocalEndpoint)));
        Receive<TcpClient>(OnAccepted);
        Receive<Terminated>(t => OnSessionEnded(t.ActorRef));
        Receive<Status.Failure>(f =>
        {
            // Accept fails only when the listener is being stopped or the socket is broken; either way stop.
            log.Warning("{0} listener stops: {1}", factory.Protocol, f.Cause.Message);
            Context.Stop(Self);
        });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        listener = new TcpListener(settings.Endpoint);
        listener.Start();
        log.Info("{0} listening on {1}", factory.Protocol, listener.LocalEndpoint);
        AcceptNext();
    }

    /// <inheritdoc />
    protected override void PostStop() => listener?.Stop();

    private void AcceptNext() => listener!.AcceptTcpClientAsync().PipeTo(Self);

    private void OnAccepted(TcpClient client)
    {
        AcceptNext();
        var remote = (IPEndPoint)client.Client.RemoteEndPoint!;
        if (!limit.TryAcquire(remote.Address))
        {
            Refuse(client);
            return;
        }
        var connection = new StreamConnection(client);
        var context = new SessionContext(remote, settings.ImplicitTls, certificate is not null);
        var session = factory.Create(context);
        var name = $"{factory.Protocol}-session-{++accepted}";
        var child = Context.ActorOf(SessionActor.Props(connection, session, certificate, settings.ImplicitTls, settings.IdleTimeout), name);
        Context.Watch(child);
        sessions[child] = remote.Address;
    }

    private void Refuse(TcpClient client)
    {
        // Refusal is best effort and bounded: one short line, then close; never waits on the client. On an implicit-TLS
        // port a plaintext line would be noise, so the connection is just closed.
        if (settings.ImplicitTls)
        {
            client.Dispose();
            return;
        }
        var reply = factory.TooManyConnections;
        var stream = client.GetStream();
        stream.WriteAsync(reply).AsTask().ContinueWith(_ => client.Dispose(), TaskScheduler.Default);
    }

    private void OnSessionEnded(IActorRef session)
    {
        if (sessions.Remove(session, out var address)) limit.Release(address);
    }
}
