using Akka.Configuration;
using ePost.Core.Configuration;
using ePost.Storage.Leases;

namespace ePost.Post;

/// <summary>POST's settings, read from <c>epost.post</c> (defaults: <c>hocon/post.conf</c>).</summary>
public sealed record PostSettings(
    LeaseDuration MessageLease,
    LeaseDuration LogLease,
    LeaseDuration NotificationLease,
    LeaseDuration CertificateLease,
    LeaseDuration PresenceLease,
    TimeSpan RenewInterval,
    TimeSpan PresenceInterval,
    TimeSpan CollectInterval,
    int SnapshotEvery,
    TimeSpan RequestTimeout,
    int Parallelism,
    TimeSpan SyncRetry,
    TimeSpan HeadCheckInterval,
    TimeSpan ArchiveInterval,
    TimeSpan ArchiveDelay,
    TimeSpan DeviceHintInterval)
{
    /// <summary>The documented defaults, embedded from <c>hocon/post.conf</c>; also binds the POST serializer.</summary>
    public static Config DefaultConfig { get; } = EmbeddedConfig.Load(typeof(PostSettings).Assembly, "ePost.Post.post.conf");

    /// <summary>The defaults as settings.</summary>
    public static PostSettings Default { get; } = Create(DefaultConfig);

    /// <summary>Reads <c>epost.post</c>, falling back to the defaults.</summary>
    /// <exception cref="ConfigurationException">When a value is out of range.</exception>
    public static PostSettings Create(Config config)
    {
        var c = (ReferenceEquals(config, DefaultConfig) ? config : config.WithFallback(DefaultConfig)).GetConfig("epost.post");
        LeaseDuration Lease(string path) => LeaseDuration.From(c.GetTimeSpan(path));
        var settings = new PostSettings(
            Lease("leases.message"), Lease("leases.log"), Lease("leases.notification"), Lease("leases.certificate"), Lease("leases.presence"),
            c.GetTimeSpan("renew-interval"), c.GetTimeSpan("presence-interval"), c.GetTimeSpan("collect-interval"),
            c.GetInt("snapshot-every"), c.GetTimeSpan("request-timeout"), c.GetInt("parallelism"),
            c.GetTimeSpan("sync-retry"), c.GetTimeSpan("head-check-interval"), c.GetTimeSpan("archive-interval"),
            c.GetTimeSpan("archive-delay"), c.GetTimeSpan("device-hint-interval"));
        if (settings.SnapshotEvery < 2 || settings.Parallelism < 1)
            throw new ConfigurationException("epost.post.snapshot-every must be at least 2 and parallelism at least 1.");
        if (settings.RenewInterval <= TimeSpan.Zero || settings.RenewInterval * 2 > settings.LogLease.AsTimeSpan || settings.RenewInterval * 2 > settings.MessageLease.AsTimeSpan)
            throw new ConfigurationException("epost.post.renew-interval must be positive and at most half the message and log leases.");
        if (settings.PresenceInterval <= TimeSpan.Zero || settings.PresenceInterval >= settings.PresenceLease.AsTimeSpan)
            throw new ConfigurationException("epost.post.presence-interval must be positive and shorter than leases.presence.");
        if (settings.CollectInterval <= TimeSpan.Zero || settings.RequestTimeout <= TimeSpan.Zero || settings.SyncRetry <= TimeSpan.Zero || settings.HeadCheckInterval <= TimeSpan.Zero
            || settings.ArchiveInterval <= TimeSpan.Zero || settings.ArchiveInterval * 2 > settings.MessageLease.AsTimeSpan
            || settings.ArchiveDelay <= TimeSpan.Zero || settings.DeviceHintInterval <= TimeSpan.Zero)
            throw new ConfigurationException("epost.post intervals and timeouts must be positive.");
        return settings;
    }
}
