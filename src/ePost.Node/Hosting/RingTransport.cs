using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using ePost.Core.Time;
using ePost.Node.Identity;

namespace ePost.Node.Hosting;

/// <summary>
/// Starts actor systems whose Akka.Remote transport is mutual TLS bound to node certificates
/// (<see cref="TlsBinding"/>), or plain TCP when <c>epost.transport.tls = off</c>.
/// </summary>
public static class RingTransport
{
    /// <summary>Loads the ring trust (CA key, device limit, revocation list file) a node with these settings checks peers against.</summary>
    /// <exception cref="NodeCredentialException">When no CA is configured or the revocation list file is not a valid list of that CA.</exception>
    public static RingTrust LoadTrust(TransportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.CertificateAuthority is null)
            throw new NodeCredentialException("no ring CA configured: set epost.transport.certificate-authority or EPOST_CA_PUBLIC_KEY to the key epost ca init printed");
        var trust = new RingTrust(settings.CertificateAuthority, settings.MaxDevicesPerUser);
        if (File.Exists(settings.RevocationListPath))
        {
            if (!Core.Crypto.NodeRevocationList.TryDecode(File.ReadAllBytes(settings.RevocationListPath), out var list, out var reason)
                || !trust.TryAdopt(list, out reason))
                throw new NodeCredentialException($"the revocation list {settings.RevocationListPath} is not usable: {reason}");
        }
        return trust;
    }

    /// <summary>Loads this node's credential and the ring trust, or says in one line why the node cannot prove its identity.</summary>
    /// <exception cref="NodeCredentialException">When the CA, the certificate or the revocation list is missing or invalid.</exception>
    public static (NodeCredential Credential, RingTrust Trust) Load(Config config, NodeIdentity identity) =>
        Load(TransportSettings.Create(config), identity);

    /// <inheritdoc cref="Load(Config, NodeIdentity)"/>
    public static (NodeCredential Credential, RingTrust Trust) Load(TransportSettings settings, NodeIdentity identity)
    {
        var trust = LoadTrust(settings);
        return (NodeCredential.Load(identity, settings.NodeCertificatePath, trust), trust);
    }

    /// <summary>The name under which the peer-authenticating transport adapter is registered in <c>akka.remote.adapters</c>.</summary>
    public const string AuthAdapter = "epauth";

    /// <summary>
    /// Creates an actor system named <paramref name="name"/> from <paramref name="config"/>; with TLS on, every
    /// connection in either direction presents a fresh TLS certificate bound to <paramref name="credential"/>, accepts
    /// only peers that <see cref="TlsBinding.Validate"/> accepts against <paramref name="trust"/>, and then proves both
    /// ends' node ids and addresses (<see cref="PeerAuthTransport"/>) before Akka reads a byte.
    /// </summary>
    /// <exception cref="NodeCredentialException">When TLS is on and no credential or trust is given.</exception>
    public static ActorSystem CreateSystem(string name, Config config, NodeCredential? credential, RingTrust? trust)
    {
        if (!TransportSettings.Create(config).Tls) return ActorSystem.Create(name, config);
        if (credential is null || trust is null) throw new NodeCredentialException("epost.transport.tls is on but this system has no node certificate");
        return ActorSystem.Create(name, MemberSetup(config, credential, trust));
    }

    /// <summary>
    /// Everything a system needs to connect to the ring as <paramref name="credential"/> on top of <paramref name="config"/>:
    /// TLS on, the <c>epauth</c> adapter registered and applied innermost (below any adapter the config applies, such as
    /// the <c>trttl</c> throttler of tests), the TLS setup (<see cref="SslSetup"/>) and the <see cref="PeerAuthSetup"/>
    /// with a fresh <see cref="PeerRegistry"/>.
    /// </summary>
    public static ActorSystemSetup MemberSetup(Config config, NodeCredential credential, RingTrust trust)
    {
        ArgumentNullException.ThrowIfNull(config);
        var registry = new PeerRegistry(credential, trust);
        // Innermost, right on the socket transport: Akka's throttler peeks at the first Akka PDU of an inbound
        // association, which must therefore come after our handshake, and everything above sees proven peers only.
        var applied = (config.GetStringList("akka.remote.dot-netty.tcp.applied-adapters") ?? []).Where(a => a != AuthAdapter).Append(AuthAdapter);
        var transport = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.enable-ssl = on
            akka.remote.dot-netty.tcp.applied-adapters = [{{string.Join(", ", applied.Select(NodeConfig.Quote))}}]
            akka.remote.adapters.{{AuthAdapter}} = "{{typeof(PeerAuthAdapterProvider).FullName}},{{typeof(PeerAuthAdapterProvider).Assembly.GetName().Name}}"
            """).WithFallback(config);
        return BootstrapSetup.Create().WithConfig(transport).And(SslSetup(credential, trust, registry)).And(new PeerAuthSetup(registry));
    }

    /// <summary>
    /// The TLS setup of a system that connects as <paramref name="credential"/>: a fresh TLS certificate bound to it,
    /// mutual authentication, and only peers that <see cref="TlsBinding.Validate"/> accepts against <paramref name="trust"/>
    /// (each refusal counted in <paramref name="trust"/>); each accepted peer's node id is recorded in
    /// <paramref name="registry"/> for its socket, which the peer handshake on that socket must then match.
    /// </summary>
    public static DotNettySslSetup SslSetup(NodeCredential credential, RingTrust trust, PeerRegistry? registry = null)
    {
        // Strangers can fail handshakes as fast as they connect: every refusal is counted, at most one per 10 s logged.
        var refusals = new LogLimiter(new StopwatchMonotonicClock(), TimeSpan.FromSeconds(10));
        return new DotNettySslSetup(TlsBinding.CreateCertificate(credential), suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: (certificate, _, peer, _, log) =>
            {
                var verdict = TlsBinding.Validate(certificate, trust);
                if (!verdict.Accepted)
                {
                    trust.CountRefusal();
                    if (refusals.ShouldLog(out var leftOut))
                        log.Warning("refused TLS peer {0}: {1}{2}", peer, verdict.Reason,
                            leftOut > 0 ? $" ({leftOut} more refused since the last such warning)" : "");
                }
                else registry?.RecordTls(peer, verdict.Node!.Value);
                return verdict.Accepted;
            });
    }
}
