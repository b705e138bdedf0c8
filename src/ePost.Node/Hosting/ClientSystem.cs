using Akka.Actor;
using Akka.Configuration;
using ePost.Node.Identity;

namespace ePost.Node.Hosting;

/// <summary>
/// A short-lived actor system through which a tool talks to running nodes over Akka.Remote: the nodes' serializer
/// bindings, a free local port, quiet logs, and (with TLS on) a certified node identity, since nodes accept
/// connections from certified nodes only. It reaches a node only through the node's entry point, the overlay, and
/// only its asks' reply slots (<c>/temp</c>) are reachable from the network.
/// </summary>
public static class ClientSystem
{
    /// <summary>Starts one; the caller terminates it.</summary>
    /// <param name="name">The actor system's name.</param>
    /// <param name="credential">The certified identity to connect as; needed when TLS is on.</param>
    /// <param name="trust">What the tool checks the node it talks to against; needed when TLS is on.</param>
    /// <exception cref="NodeCredentialException">When TLS is on and no credential is given.</exception>
    public static ActorSystem Create(string name, NodeCredential? credential = null, RingTrust? trust = null) =>
        RingTransport.CreateSystem(name, NodeConfig.Build(ConfigurationFactory.ParseString("""
            epost.node.port = 0
            akka.loglevel = WARNING
            epost.transport.addressable-paths = ["/temp"]
            """)), credential, trust);

    /// <summary>
    /// The credential a tool uses: that of the certified node whose data dir <paramref name="config"/> names
    /// (<c>--data-dir</c>), trusting the configured ring CA or, when none is configured, the CA that issued that
    /// node's own certificate; nulls when TLS is off.
    /// </summary>
    /// <exception cref="NodeCredentialException">When TLS is on and the data dir holds no certified node.</exception>
    public static (NodeCredential? Credential, RingTrust? Trust) CredentialOf(Config config)
    {
        if (!TransportSettings.Create(config).Tls) return (null, null);
        var dataDir = NodeSettings.Create(config).DataDir;
        if (!NodeIdentity.Exists(dataDir))
            throw new NodeCredentialException($"no node key in {Path.GetFullPath(dataDir)}: tools reach the ring as a certified node; give --data-dir of one");
        var settings = TransportSettings.Create(config);
        if (settings.CertificateAuthority is null && File.Exists(settings.NodeCertificatePath)
            && Core.Crypto.NodeCertificate.TryDecode(File.ReadAllBytes(settings.NodeCertificatePath), out var own, out _))
        {
            // No CA configured for the tool: the operator's own node certificate names the ring it belongs to. The
            // certificate is still verified against that CA below, and the node the tool talks to must prove the same.
            settings = settings with { CertificateAuthority = own.IssuerPublicKey };
        }
        return RingTransport.Load(settings, NodeIdentity.LoadOrCreate(dataDir));
    }

    /// <summary>The entry point (the overlay actor) of the node at <paramref name="address"/>: the one actor a tool may reach.</summary>
    public static ActorSelection EntryPoint(ActorSystem client, string address) =>
        client.ActorSelection($"{address}/user/{NodeGuardian.Name}/{NodeGuardian.OverlayName}");
}
