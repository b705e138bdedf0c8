using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using ePost.Core.Ids;
using ePost.Core.Time;
using ePost.Overlay.Network;

namespace ePost.Node.Identity;

/// <summary>
/// What one actor system's authenticated transport has proven about its peers: which certified node presented which
/// TLS certificate on which socket, and which node proved it is at which address. The overlay asks it for the sender
/// of every message (<see cref="IPeerAuthenticator"/>).
/// </summary>
/// <remarks>
/// An address is bound to a node only by a proof on a connection this system opened to that address itself, so a
/// peer's claim about its own address is believed only once the node at that address has said the same. A later
/// outbound proof at the address by another node replaces the binding and ends the associations of the old one.
/// </remarks>
public sealed class PeerRegistry : IPeerAuthenticator
{
    private const int MaxEntries = 4096;
    private static readonly TimeSpan TlsEntryLife = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, (RingId Node, TimeSpan At)> _tls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (RingId Node, TimeSpan At)> _bindings = new(StringComparer.Ordinal);
    private readonly IMonotonicClock _clock = new StopwatchMonotonicClock();
    private long _refused;

    /// <summary>The registry of a system that connects as <paramref name="credential"/> and trusts <paramref name="trust"/>.</summary>
    public PeerRegistry(NodeCredential credential, RingTrust trust)
    {
        Credential = credential ?? throw new ArgumentNullException(nameof(credential));
        Trust = trust ?? throw new ArgumentNullException(nameof(trust));
        Refusals = new LogLimiter(_clock, TimeSpan.FromSeconds(10));
    }

    /// <summary>This system's certified identity.</summary>
    public NodeCredential Credential { get; }

    /// <summary>What peers' certificates are checked against.</summary>
    public RingTrust Trust { get; }

    /// <summary>Associations the peer handshake or the sender checks refused (TLS refusals are counted in <see cref="RingTrust.Refused"/>).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Which refusals are logged (at most one per 10 s, with the count left out).</summary>
    internal LogLimiter Refusals { get; }

    internal TimeSpan Now => _clock.Elapsed;

    internal void CountRefusal() => Interlocked.Increment(ref _refused);

    /// <inheritdoc />
    public RingId? NodeAt(Address address) =>
        address is not null && _bindings.TryGetValue(address.ToString(), out var binding) ? binding.Node : null;

    /// <summary>The node proven at <paramref name="address"/> (canonical Akka address text) and when, if any.</summary>
    internal bool TryGetBinding(string address, out RingId node, out TimeSpan at)
    {
        var found = _bindings.TryGetValue(address, out var binding);
        (node, at) = binding;
        return found;
    }

    /// <summary>Records that a connection this system opened to <paramref name="address"/> proved <paramref name="node"/>; true when that changes the binding.</summary>
    internal bool Bind(string address, RingId node)
    {
        if (_bindings.Count >= MaxEntries && !_bindings.ContainsKey(address)) Prune(_bindings);
        var changed = !_bindings.TryGetValue(address, out var old) || old.Node != node;
        _bindings[address] = (node, Now);
        return changed;
    }

    /// <summary>Called by the TLS validation of every accepted peer: the node whose certificate the socket to <paramref name="remotePeer"/> presented.</summary>
    /// <param name="remotePeer">What Akka's DotNetty transport names the peer: the dialed Akka address on outbound sockets, the remote IP endpoint on inbound ones.</param>
    /// <param name="node">The certified node the TLS certificate proved.</param>
    internal void RecordTls(string remotePeer, RingId node)
    {
        if (TlsKey(remotePeer) is not { } key) return;
        if (_tls.Count >= MaxEntries) Prune(_tls);
        _tls[key] = (node, Now);
    }

    /// <summary>The node whose TLS certificate the socket named by <paramref name="key"/> (see <see cref="OutboundKey"/>, <see cref="InboundKey"/>) presented, if recorded.</summary>
    internal RingId? TlsNodeOf(string? key) =>
        key is not null && _tls.TryGetValue(key, out var entry) && Now - entry.At < TlsEntryLife ? entry.Node : null;

    /// <summary>Forgets what the socket named by <paramref name="key"/> presented (its handshake is over).</summary>
    internal void ForgetTls(string? key)
    {
        if (key is not null) _tls.TryRemove(key, out _);
    }

    /// <summary>The key of an outbound socket to <paramref name="dialed"/>.</summary>
    internal static string OutboundKey(Address dialed) => $"out {dialed.Host?.ToLowerInvariant()}:{dialed.Port}";

    /// <summary>The key of an inbound socket whose transport address is <paramref name="remote"/>, or null when its host is not an IP address.</summary>
    internal static string? InboundKey(Address remote) =>
        remote.Host is { } host && IPAddress.TryParse(host.Trim('[', ']'), out var ip) && remote.Port is { } port ? InboundKey(new IPEndPoint(ip, port)) : null;

    private static string InboundKey(IPEndPoint endpoint)
    {
        var ip = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        return $"in {ip}:{endpoint.Port}";
    }

    private static string? TlsKey(string remotePeer)
    {
        if (remotePeer.Contains("://", StringComparison.Ordinal))
        {
            // protocol://system@host:port, as Akka writes an address (its parser takes only akka.* protocols).
            var at = remotePeer.LastIndexOf('@');
            var colon = remotePeer.LastIndexOf(':');
            return at > 0 && colon > at && int.TryParse(remotePeer.AsSpan(colon + 1), out var port)
                ? $"out {remotePeer[(at + 1)..colon].ToLowerInvariant()}:{port}"
                : null;
        }
        return IPEndPoint.TryParse(remotePeer, out var endpoint) ? InboundKey(endpoint) : null;
    }

    private void Prune(ConcurrentDictionary<string, (RingId Node, TimeSpan At)> entries)
    {
        // Oldest half out: the newest entries are those of handshakes in progress and of the live neighbours.
        var cutoff = entries.Values.Select(e => e.At).OrderBy(t => t).ElementAtOrDefault(entries.Count / 2);
        foreach (var (key, entry) in entries)
            if (entry.At <= cutoff) entries.TryRemove(key, out _);
    }
}
