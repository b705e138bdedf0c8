using Akka.Actor;
using ePost.Post.Delivery;
using ePost.Post.Identity;
using ePost.Post.Ring;

namespace ePost.Post.Mailbox;

/// <summary>What every user agent of a node shares: the ring, the certificate directory, the overlay, the settings and the wall clock.</summary>
/// <param name="Ring">The replicated store.</param>
/// <param name="Certificates">Users' certificates, checked against the ring CA.</param>
/// <param name="Sender">Sends messages to ring users.</param>
/// <param name="Overlay">The node's ring node actor (for direct sends and the node's own handle).</param>
/// <param name="Settings">POST settings.</param>
/// <param name="Clock">Wall-clock time, only for IMAP internal dates (never for leases or timeouts).</param>
/// <param name="Glacier">The node's archive, or null when it runs none.</param>
public sealed record PostServices(RingClient Ring, CertificateDirectory Certificates, MailSender Sender, IActorRef Overlay, PostSettings Settings, TimeProvider Clock,
    IActorRef? Glacier = null)
{
    /// <summary>Users' device lists in the ring (who may log in with a device password, which keys new mail is sealed for).</summary>
    public DeviceDirectory? Devices { get; init; }

    /// <summary>The node's key and certificate, which sign the mail it takes in from outside the ring; null: it takes none.</summary>
    public GatewayIdentity? Gateway { get; init; }

    /// <summary>How a recipient checks the node certificate of a gateway notification (the ring CA, device limit, revocations).</summary>
    public Func<Core.Crypto.NodeCertificate, Core.Crypto.NodeCertificateVerdict> NodeCheck { get; init; } = _ =>
        new(Core.Crypto.NodeCertificateRejection.OtherAuthority, "no node certificates are checked here", null);

    /// <summary>The services of a node whose storage, overlay and archive actors are given.</summary>
    /// <param name="gateway">The node's key and certificate for gateway mail.</param>
    /// <param name="nodeCheck">The node's check of other nodes' certificates; by default the ring CA's signature alone (no device limit, no revocations).</param>
    public static PostServices Create(IActorRef storage, IActorRef overlay, byte[] caPublicKey, PostSettings settings, TimeProvider? clock = null, IActorRef? glacier = null,
        GatewayIdentity? gateway = null, Func<Core.Crypto.NodeCertificate, Core.Crypto.NodeCertificateVerdict>? nodeCheck = null)
    {
        var ring = new RingClient(storage, settings.RequestTimeout);
        var certificates = new CertificateDirectory(ring, caPublicKey);
        var devices = new DeviceDirectory(ring);
        return new PostServices(ring, certificates, new MailSender(ring, certificates, overlay, settings, devices), overlay, settings, clock ?? TimeProvider.System, glacier)
        {
            Devices = devices,
            Gateway = gateway,
            NodeCheck = nodeCheck ?? (certificate => Core.Crypto.NodeCertificate.Verify(caPublicKey, certificate, int.MaxValue)),
        };
    }
}
