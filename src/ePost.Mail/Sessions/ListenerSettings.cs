using System.Net;

namespace ePost.Mail.Sessions;

/// <summary>Where and how one protocol listens.</summary>
/// <param name="Endpoint">Address and port to bind (port 0: any free port, reported in <see cref="ListenerBound"/>).</param>
/// <param name="ImplicitTls">Handshake TLS before the greeting (SMTPS, POP3S).</param>
/// <param name="MaxConnectionsPerAddress">Open connections allowed from one client address.</param>
/// <param name="IdleTimeout">Close a connection after this long without a complete line.</param>
public sealed record ListenerSettings(IPEndPoint Endpoint, bool ImplicitTls, int MaxConnectionsPerAddress, TimeSpan IdleTimeout)
{
    /// <summary>Loopback, port 0, plain, 10 connections per address, 5 minutes idle (RFC 5321 §4.5.3.2.7 asks at least 5).</summary>
    public static ListenerSettings Loopback(int port = 0) =>
        new(new IPEndPoint(IPAddress.Loopback, port), false, 10, TimeSpan.FromMinutes(5));
}

/// <summary>Ask a listener where it is bound; it answers <see cref="ListenerBound"/>.</summary>
public sealed record GetBinding
{
    /// <summary>The one instance.</summary>
    public static readonly GetBinding Instance = new();
}

/// <summary>The endpoint a listener is bound to (with the real port when port 0 was asked for).</summary>
public sealed record ListenerBound(IPEndPoint Endpoint);
