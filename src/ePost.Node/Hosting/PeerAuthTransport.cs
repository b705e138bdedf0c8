using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport;
using ePost.Core.Ids;
using ePost.Node.Identity;
using Google.Protobuf;

namespace ePost.Node.Hosting;

/// <summary>What the <c>epauth</c> transport adapter of a system authenticates with (set by <see cref="RingTransport"/>).</summary>
/// <param name="registry">The system's certified identity, trust and proven peers.</param>
public sealed class PeerAuthSetup(PeerRegistry registry) : Setup
{
    /// <summary>The system's registry of proven peers.</summary>
    public PeerRegistry Registry { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    /// <summary>The registry of <paramref name="system"/>, or null when it does not authenticate peers (TLS off).</summary>
    public static PeerRegistry? Of(ActorSystem system)
    {
        var setup = system.Settings.Setup.Get<PeerAuthSetup>();
        return setup.HasValue ? setup.Value.Registry : null;
    }
}

/// <summary>Registered as <c>akka.remote.adapters.epauth</c>: wraps the socket transport in <see cref="PeerAuthTransport"/>.</summary>
public sealed class PeerAuthAdapterProvider : ITransportAdapterProvider
{
    /// <inheritdoc />
    public Transport Create(Transport wrappedTransport, ExtendedActorSystem system) =>
        new PeerAuthTransport(wrappedTransport, system,
            PeerAuthSetup.Of(system) ?? throw new ConfigurationException("the epauth transport adapter needs a PeerAuthSetup (start the system with RingTransport.CreateSystem)"));
}

/// <summary>
/// The transport adapter that proves, on every association in either direction and before Akka.Remote sees a byte,
/// which certified node is at the other end and at which address, then lets through only Akka PDUs whose origin and
/// sender paths are that proven address.
/// </summary>
/// <remarks>
/// <para>It sits directly on the socket transport (innermost adapter) and keeps its address scheme. The dialing side sends a
/// <see cref="PeerHello"/>, the answering side its hello and proof, the dialing side its proof (<see cref="PeerHandshake"/>); the hello's certificate must be the one the
/// TLS handshake of the same socket checked (so a member cannot relay another node's handshake through its own TLS
/// session), verify against the ring CA and revocation list, and the proof must be signed for this connection's nonces
/// and for us.</para>
/// <para>Outbound, the peer must claim the address we dialed. Inbound, the address the peer claims is believed only
/// once a connection we open to that address ourselves proves the same node (or did so before); until then the
/// association is not handed to Akka, whose passive connections would otherwise route our traffic for that address to
/// whoever claimed it. Frames are bounded (<see cref="PeerHandshake.MaxFrameLength"/>, 32 buffered), the handshake has
/// a deadline (<see cref="HandshakeTimeout"/>), and every refusal is counted in <see cref="PeerRegistry.Refused"/>
/// and logged at most once per 10 s.</para>
/// </remarks>
public sealed class PeerAuthTransport : Transport
{
    /// <summary>How long a peer has to complete the handshake (and an inbound one to have its address verified).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan HelloRepeat = TimeSpan.FromSeconds(1);
    private const int MaxBufferedFrames = 32;
    private const int MaxConcurrentProbes = 32;
    private static readonly TimeSpan ContraryProofHolds = TimeSpan.FromSeconds(30);

    private readonly Transport _wrapped;
    private readonly ExtendedActorSystem _system;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<string, Task<RingId?>> _probes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Connection, string> _open = new();

    /// <summary>Wraps <paramref name="wrapped"/> for <paramref name="system"/>, proving identities with <paramref name="registry"/>.</summary>
    public PeerAuthTransport(Transport wrapped, ExtendedActorSystem system, PeerRegistry registry)
    {
        _wrapped = wrapped ?? throw new ArgumentNullException(nameof(wrapped));
        _system = system;
        Registry = registry;
        System = system;
        Config = wrapped.Config;
        _log = Logging.GetLogger(system, "ePost.PeerAuth");
    }

    /// <summary>What this transport has proven.</summary>
    public PeerRegistry Registry { get; }

    /// <inheritdoc />
    public override string SchemeIdentifier
    {
        get => _wrapped.SchemeIdentifier;
        protected set { }
    }

    /// <inheritdoc />
    public override long MaximumPayloadBytes
    {
        get => _wrapped.MaximumPayloadBytes;
        protected set { }
    }

    /// <inheritdoc />
    public override bool IsResponsibleFor(Address remote) => _wrapped.IsResponsibleFor(remote);

    /// <inheritdoc />
    public override Task<bool> ManagementCommand(object message) => _wrapped.ManagementCommand(message);

    /// <inheritdoc />
    public override Task<bool> Shutdown() => _wrapped.Shutdown();

    /// <inheritdoc />
    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var (address, below) = await _wrapped.Listen().ConfigureAwait(false);
        var upstream = new TaskCompletionSource<IAssociationEventListener>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The socket transport reads nothing until its listener is set: set it once Akka has registered its own.
        _ = upstream.Task.ContinueWith(t => below.TrySetResult(new InboundListener(this, t.Result)), TaskContinuationOptions.OnlyOnRanToCompletion);
        return (address, upstream);
    }

    /// <inheritdoc />
    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        var handle = await _wrapped.Associate(remoteAddress).ConfigureAwait(false);
        var connection = new Connection(this, handle, null, remoteAddress, probe: false);
        return await connection.Start().ConfigureAwait(false);
    }

    /// <summary>This system's canonical address (what its actor paths carry), or null before remoting has started.</summary>
    private string? OwnAddress() => _system.Provider.DefaultAddress is { Host: not null } own ? own.ToString() : null;

    /// <summary>The canonical address of the peer we reach by dialing <paramref name="dialed"/> (an address of the wrapped transport).</summary>
    private string? Canonical(Address dialed) =>
        _system.Provider.DefaultAddress is { Host: not null } own ? new Address(own.Protocol, dialed.System, dialed.Host, dialed.Port).ToString() : null;

    /// <summary>Whether <paramref name="node"/> is the node at <paramref name="claimed"/>: from an earlier outbound proof, or by dialing it.</summary>
    private async Task<bool> VerifyAddressAsync(string claimed, RingId node)
    {
        if (Registry.TryGetBinding(claimed, out var bound, out var at))
        {
            if (bound == node) return true;
            // Somebody else proved this address a moment ago: the claim is refused without dialing again.
            if (Registry.Now - at < ContraryProofHolds) return false;
        }
        if (!_probes.TryGetValue(claimed, out var probe))
        {
            if (_probes.Count >= MaxConcurrentProbes) return false;
            probe = _probes.GetOrAdd(claimed, ProbeAsync);
        }
        return await probe.ConfigureAwait(false) == node;
    }

    /// <summary>Dials <paramref name="claimed"/> on an auth-only connection and returns the node proven there (null when none).</summary>
    private async Task<RingId?> ProbeAsync(string claimed)
    {
        try
        {
            await Task.Yield();
            if (!ActorPath.TryParseAddress(claimed, out var address) || address.Host is null || address.Port is null) return null;
            var dial = new Address(_wrapped.SchemeIdentifier, address.System, address.Host, address.Port);
            var handle = await _wrapped.Associate(dial).WaitAsync(HandshakeTimeout).ConfigureAwait(false);
            var probe = new Connection(this, handle, null, dial, probe: true);
            await probe.Start().ConfigureAwait(false);
            return probe.PeerNode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Debug("probe of {0} failed: {1}", claimed, e.Message);
            return null;
        }
        finally
        {
            _probes.TryRemove(claimed, out _);
        }
    }

    private void Refuse(string reason, object peer)
    {
        Registry.CountRefusal();
        if (Registry.Refusals.ShouldLog(out var leftOut))
            _log.Warning("refused peer {0}: {1}{2}", peer, reason, leftOut > 0 ? $" ({leftOut} more refused since the last such warning)" : "");
    }

    /// <summary>An outbound proof bound <paramref name="address"/> to a node: associations there proven for another node end.</summary>
    private void Bound(string address, RingId node)
    {
        if (!Registry.Bind(address, node)) return;
        foreach (var (connection, at) in _open)
            if (at == address && connection.PeerNode != node)
                connection.Close("another node proved it is at " + address);
    }

    private sealed class InboundListener(PeerAuthTransport transport, IAssociationEventListener upstream) : IAssociationEventListener
    {
        public void Notify(IAssociationEvent ev)
        {
            if (ev is InboundAssociation inbound)
                new Connection(transport, inbound.Association, upstream, null, probe: false).Start();
        }
    }

    /// <summary>One association: its handshake, then the checked stream of Akka PDUs.</summary>
    private sealed class Connection : IHandleEventListener
    {
        private enum Phase { Hello, Proof, Verifying, Open, ProbeAnswered, Closed }

        private readonly Lock _gate = new();
        private readonly PeerAuthTransport _transport;
        private readonly AssociationHandle _handle;
        private readonly IAssociationEventListener? _upstream;
        private readonly Address? _dialed;
        private readonly bool _probe;
        private readonly string? _tlsKey;
        private readonly TaskCompletionSource<AssociationHandle> _outbound = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Queue<ByteString> _buffered = new();
        private Phase _phase = Phase.Hello;
        private PeerHello? _own;
        private PeerHello? _peer;
        private string? _proven;
        private AuthenticatedHandle? _upper;
        private IHandleEventListener? _listener;
        private ICancelable? _deadline;
        private ICancelable? _resend;
        private ByteString? _helloFrame;
        private ByteString? _peerHelloFrame;

        public Connection(PeerAuthTransport transport, AssociationHandle handle, IAssociationEventListener? upstream, Address? dialed, bool probe)
        {
            _transport = transport;
            _handle = handle;
            _upstream = upstream;
            _dialed = dialed;
            _probe = probe;
            _tlsKey = dialed is not null ? PeerRegistry.OutboundKey(dialed) : PeerRegistry.InboundKey(handle.RemoteAddress);
        }

        /// <summary>The node this connection proved, once it has.</summary>
        public RingId? PeerNode { get; private set; }

        private PeerRegistry Registry => _transport.Registry;

        /// <summary>Starts the handshake; outbound, completes with the handle to give Akka once the peer is proven.</summary>
        public Task<AssociationHandle> Start()
        {
            var scheduler = _transport._system.Scheduler;
            var deadline = new Cancelable(scheduler);
            _deadline = deadline;
            scheduler.Advanced.ScheduleOnce(HandshakeTimeout, () => Expire(), deadline);
            lock (_gate)
            {
                if (_transport.OwnAddress() is not { } own)
                {
                    Fail("remoting has not started yet", count: false);
                    return _outbound.Task;
                }
                _own = new PeerHello(Registry.Credential.Certificate, RandomNumberGenerator.GetBytes(PeerHandshake.NonceLength), own, _probe);
                // Reads start now (a frame arriving meanwhile waits for this lock). Only the side that dialed speaks
                // first: the socket transport drops what arrives before a listener is set, which on the dialing side
                // can be right after the TLS handshake.
                _handle.ReadHandlerSource.TrySetResult(this);
                if (_dialed is not null)
                {
                    _helloFrame = ByteString.CopyFrom(PeerHandshake.Encode(_own));
                    if (!_handle.Write(_helloFrame)) Fail("the transport refused the hello", count: false);
                    // The answering side's transport drops what arrives before its listener is set (it can be late on a
                    // loaded machine): the hello is repeated until answered; the answering side ignores repeats.
                    var resend = new Cancelable(scheduler);
                    _resend = resend;
                    scheduler.Advanced.ScheduleRepeatedly(HelloRepeat, HelloRepeat, () => Resend(), resend);
                }
            }
            return _outbound.Task;
        }

        public void Notify(IHandleEvent ev)
        {
            lock (_gate)
            {
                switch (ev)
                {
                    case InboundPayload payload:
                        Receive(payload.Payload);
                        break;
                    case Disassociated:
                        Ended();
                        break;
                    case UnderlyingTransportError when _phase == Phase.Open && _listener is not null:
                        _listener.Notify(ev);
                        break;
                }
            }
        }

        private void Resend()
        {
            lock (_gate)
            {
                if (_phase == Phase.Hello) _handle.Write(_helloFrame!);
                else _resend?.Cancel();
            }
        }

        private void Receive(ByteString frame)
        {
            // A repeat of the dialing side's hello (see Start) is not a frame of the protocol.
            if (_dialed is null && _peerHelloFrame is not null && frame.Equals(_peerHelloFrame)) return;
            switch (_phase)
            {
                case Phase.Hello:
                    OnHello(frame);
                    break;
                case Phase.Proof:
                    OnProof(frame);
                    break;
                case Phase.Verifying:
                case Phase.Open when _listener is null:
                    if (_buffered.Count >= MaxBufferedFrames) Fail("more than 32 frames before the association was accepted");
                    else _buffered.Enqueue(frame);
                    break;
                case Phase.Open:
                    Deliver(frame);
                    break;
                case Phase.ProbeAnswered:
                    Fail("traffic on a probe connection");
                    break;
            }
        }

        private void OnHello(ByteString frame)
        {
            if (frame.Length > PeerHandshake.MaxFrameLength)
            {
                Fail("a handshake frame over the size limit");
                return;
            }
            if (!PeerHandshake.TryDecodeHello(frame.Span, out var hello, out var reason))
            {
                Fail($"{reason} ({frame.Length} bytes, first 0x{(frame.Length > 0 ? frame[0] : 0):x2})");
                return;
            }
            var verdict = Registry.Trust.Check(hello!.Certificate);
            if (!verdict.IsValid)
            {
                Fail(verdict.Reason);
                return;
            }
            var tls = Registry.TlsNodeOf(_tlsKey);
            // An inbound socket's key is its own; outbound ones to one address (Akka's and a probe) share theirs.
            if (_dialed is null) Registry.ForgetTls(_tlsKey);
            if (tls != hello.Certificate.NodeId)
            {
                Fail($"the hello names node {hello.Certificate.NodeId.ToShortString()} but the TLS certificate of this socket was {(tls is { } t ? "node " + t.ToShortString() : "not seen")}");
                return;
            }
            if (_dialed is not null && hello.Address != _transport.Canonical(_dialed))
            {
                Fail($"dialed {_dialed} but the peer claims to be {hello.Address}");
                return;
            }
            if (_dialed is not null && hello.Probe)
            {
                Fail("a probe answered as one");
                return;
            }
            if (!ActorPath.TryParseAddress(hello.Address, out var claimed) || claimed.ToString() != hello.Address
                || claimed.Protocol != _transport._system.Provider.DefaultAddress.Protocol)
            {
                Fail($"the claimed address {hello.Address} is not a canonical address of this transport");
                return;
            }
            _peer = hello;
            _peerHelloFrame = frame;
            _resend?.Cancel();
            _phase = Phase.Proof;
            // The answering side sends its hello and its proof at once; the dialing side proves itself only after it
            // has checked the answer's proof.
            if (_dialed is null && !(Send(PeerHandshake.Encode(_own!)) && Send(PeerHandshake.EncodeProof(PeerHandshake.Prove(Registry.Credential, _own!, hello)))))
                Fail("the transport refused the hello", count: false);
        }

        private bool Send(byte[] frame) => _handle.Write(ByteString.CopyFrom(frame));

        private void OnProof(ByteString frame)
        {
            var signature = PeerHandshake.TryDecodeProof(frame.Span);
            if (signature is null || !PeerHandshake.Verify(_own!, _peer!, Registry.Credential.NodeId, signature))
            {
                Fail(signature is null ? "the second frame is not a proof" : "the proof does not verify for this connection and this node");
                return;
            }
            PeerNode = _peer!.Certificate.NodeId;
            _proven = _peer.Address;
            if (_dialed is not null)
            {
                if (!Send(PeerHandshake.EncodeProof(PeerHandshake.Prove(Registry.Credential, _own!, _peer))))
                {
                    Fail("the transport refused the proof", count: false);
                    return;
                }
                // We dialed this address and the node there proved itself: the one kind of proof an address binding comes from.
                _transport.Bound(_proven, PeerNode.Value);
                if (_probe)
                {
                    _phase = Phase.Closed;
                    _deadline?.Cancel();
                    _outbound.TrySetResult(_handle);
                    _handle.Disassociate("probe done", _transport._log);
                    return;
                }
                Open();
                _outbound.TrySetResult(_upper!);
                return;
            }
            if (_peer.Probe)
            {
                // Asked only who we are: answered; the prober closes it, or the deadline does.
                _phase = Phase.ProbeAnswered;
                return;
            }
            _phase = Phase.Verifying;
            var node = PeerNode.Value;
            var claimed = _proven;
            _ = _transport.VerifyAddressAsync(claimed, node).ContinueWith(t =>
            {
                lock (_gate)
                {
                    if (_phase != Phase.Verifying) return;
                    if (t is { IsCompletedSuccessfully: true, Result: true })
                    {
                        Open();
                        _upstream!.Notify(new InboundAssociation(_upper!));
                    }
                    else Fail($"node {node.ToShortString()} claims {claimed} but the node there does not prove the same");
                }
            }, TaskScheduler.Default);
        }

        private void Open()
        {
            _phase = Phase.Open;
            _deadline?.Cancel();
            _transport._open[this] = _proven!;
            _upper = new AuthenticatedHandle(_handle);
            _ = _upper.ReadHandlerSource.Task.ContinueWith(t => Registered(t.Result), TaskContinuationOptions.OnlyOnRanToCompletion);
        }

        private void Registered(IHandleEventListener listener)
        {
            lock (_gate)
            {
                _listener = listener;
                if (_phase != Phase.Open)
                {
                    // It ended before Akka listened.
                    listener.Notify(new Disassociated(DisassociateInfo.Unknown));
                    return;
                }
                while (_buffered.Count > 0 && _phase == Phase.Open) Deliver(_buffered.Dequeue());
            }
        }

        private void Deliver(ByteString frame)
        {
            if (AkkaPduInspector.Check(frame, _proven!) is { } problem)
            {
                Fail($"{problem} (proven {_proven})");
                return;
            }
            _listener!.Notify(new InboundPayload(frame));
        }

        private void Expire()
        {
            lock (_gate)
            {
                if (_phase == Phase.ProbeAnswered) Close("probe answered");
                else if (_phase is not (Phase.Open or Phase.Closed)) Fail("the handshake did not complete within " + HandshakeTimeout.TotalSeconds + " s");
            }
        }

        /// <summary>Ends the association (without counting a refusal).</summary>
        public void Close(string reason)
        {
            lock (_gate) Fail(reason, count: false);
        }

        private void Fail(string reason, bool count = true)
        {
            if (_phase == Phase.Closed) return;
            if (count) _transport.Refuse(reason, _dialed?.ToString() ?? _handle.RemoteAddress.ToString());
            _buffered.Clear();
            Ended();
            _outbound.TrySetException(new InvalidAssociationException($"peer authentication failed: {reason}"));
            _handle.Disassociate(reason, _transport._log);
        }

        private void Ended()
        {
            if (_phase == Phase.Closed) return;
            var wasOpen = _phase == Phase.Open;
            _phase = Phase.Closed;
            _deadline?.Cancel();
            _resend?.Cancel();
            if (_dialed is null) Registry.ForgetTls(_tlsKey);
            _transport._open.TryRemove(this, out _);
            _outbound.TrySetException(new InvalidAssociationException("the connection closed during peer authentication"));
            // Akka learns of the end only from us: the socket's own Disassociated comes after we stopped listening.
            if (wasOpen) _listener?.Notify(new Disassociated(DisassociateInfo.Unknown));
        }
    }

    /// <summary>The handle Akka gets for an authenticated association: writes go straight through, reads arrive checked.</summary>
    private sealed class AuthenticatedHandle(AssociationHandle wrapped) : AssociationHandle(wrapped.LocalAddress, wrapped.RemoteAddress)
    {
        public override bool Write(ByteString payload) => wrapped.Write(payload);

#pragma warning disable CS0618 // Akka's abstract member; callers use the overload with a reason.
        [Obsolete("Akka's own callers use Disassociate(reason, log).")]
        public override void Disassociate() => wrapped.Disassociate();
#pragma warning restore CS0618
    }
}
