using Akka.Configuration;
using ePost.Core.Configuration;
using ePost.Storage.Leases;
using ePost.Storage.Local;

namespace ePost.Storage.Replication;

/// <summary>The replicated store's settings, read once from <c>epost.storage</c> (defaults: <c>hocon/storage.conf</c>).</summary>
public sealed record StorageSettings(
    int ReplicationFactor,
    TimeSpan InsertTimeout,
    TimeSpan LookupTimeout,
    int MaxObjectBytes,
    long NodeBudgetBytes,
    int ChunkBytes,
    int MaxPendingTransfers,
    TimeSpan TransferTimeout,
    TimeSpan RepairInterval,
    TimeSpan RepairSettle,
    int RepairMaxOffer,
    TimeSpan RepairLeaseBucket,
    int FetchBatch,
    TimeSpan FetchTick,
    int HandOffBatch,
    TimeSpan CheckpointInterval,
    TimeSpan CollectionInterval,
    int CollectionBatch)
{
    /// <summary>The documented defaults, embedded from <c>hocon/storage.conf</c>; also binds the storage serializer.</summary>
    public static Config DefaultConfig { get; } = EmbeddedConfig.Load(typeof(StorageSettings).Assembly, "ePost.Storage.storage.conf");

    /// <summary>The defaults as settings.</summary>
    public static StorageSettings Default { get; } = Create(DefaultConfig);

    /// <summary>Acknowledgements an insert needs: a majority of r.</summary>
    public int Majority => ReplicationFactor / 2 + 1;

    /// <summary>The ring CA's Ed25519 public key (<c>certificate-authority</c>, hex); null when the node has none and then stores no certificates.</summary>
    public byte[]? CertificateAuthority { get; init; }

    /// <summary>Partly received objects buffered at once from one sending peer (<c>max-pending-transfers-per-peer</c>).</summary>
    public int MaxPendingTransfersPerPeer { get; init; } = 8;

    /// <summary>Bytes all partly received objects together may hold (<c>max-buffered-bytes</c>).</summary>
    public long MaxBufferedBytes { get; init; } = 32L << 20;

    /// <summary>The longest lease this node grants (<c>max-lease</c>); a longer insert or renewal is clipped to it, not refused.</summary>
    public LeaseDuration MaxLease { get; init; } = LeaseDuration.FromDays(60);

    /// <summary>Bytes this node holds for one writing peer at most (<c>writer-quota-bytes</c>); beyond it puts are refused with the temporary OverQuota.</summary>
    public long WriterQuotaBytes { get; init; } = 256L << 20;

    /// <summary>How many places beyond the r closest a node may stand, by its own leaf set, and still accept an object as a replica (<c>admission-slack</c>).</summary>
    public int AdmissionSlack { get; init; } = 1;

    /// <summary>Notifications one writer may have waiting for one recipient on this node (<c>max-notifications-per-sender</c>); beyond it deposits are refused with the temporary OverQuota.</summary>
    public int MaxNotificationsPerSender { get; init; } = 256;

    /// <summary>Least time between two scrubs, each re-verifying up to <see cref="CollectionBatch"/> stored copies (<c>repair.scrub-interval</c>).</summary>
    public TimeSpan ScrubInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether a writer counts an insert as done only on enough valid receipts from replicas (<c>require-receipts</c>).</summary>
    public bool RequireReceipts { get; init; }

    /// <summary>The limits handed to the local store.</summary>
    public ObjectStoreSettings StoreSettings => new(MaxObjectBytes, NodeBudgetBytes) { TrustedIssuer = CertificateAuthority };

    /// <summary>Reads <c>epost.storage</c> from <paramref name="config"/>, falling back to the defaults.</summary>
    public static StorageSettings Create(Config config)
    {
        var c = (ReferenceEquals(config, DefaultConfig) ? config : config.WithFallback(DefaultConfig)).GetConfig("epost.storage");
        var settings = new StorageSettings(
            ReplicationFactor: c.GetInt("replication-factor"),
            InsertTimeout: c.GetTimeSpan("insert-timeout"),
            LookupTimeout: c.GetTimeSpan("lookup-timeout"),
            MaxObjectBytes: c.GetInt("max-object-bytes"),
            NodeBudgetBytes: c.GetLong("node-budget-bytes"),
            ChunkBytes: c.GetInt("chunk-bytes"),
            MaxPendingTransfers: c.GetInt("max-pending-transfers"),
            TransferTimeout: c.GetTimeSpan("transfer-timeout"),
            RepairInterval: c.GetTimeSpan("repair.interval"),
            RepairSettle: c.GetTimeSpan("repair.settle"),
            RepairMaxOffer: c.GetInt("repair.max-offer"),
            RepairLeaseBucket: c.GetTimeSpan("repair.lease-bucket"),
            FetchBatch: c.GetInt("repair.fetch-batch"),
            FetchTick: c.GetTimeSpan("repair.fetch-tick"),
            HandOffBatch: c.GetInt("repair.hand-off-batch"),
            CheckpointInterval: c.GetTimeSpan("leases.checkpoint-interval"),
            CollectionInterval: c.GetTimeSpan("leases.collection-interval"),
            CollectionBatch: c.GetInt("leases.collection-batch"))
        {
            CertificateAuthority = ParseAuthority(c.GetString("certificate-authority", "")),
            MaxPendingTransfersPerPeer = c.GetInt("max-pending-transfers-per-peer"),
            MaxBufferedBytes = c.GetLong("max-buffered-bytes"),
            MaxLease = LeaseDuration.From(c.GetTimeSpan("max-lease")),
            WriterQuotaBytes = c.GetLong("writer-quota-bytes"),
            AdmissionSlack = c.GetInt("admission-slack"),
            RequireReceipts = c.GetBoolean("require-receipts"),
            MaxNotificationsPerSender = c.GetInt("max-notifications-per-sender"),
            ScrubInterval = c.GetTimeSpan("repair.scrub-interval"),
        };
        settings.Validate();
        return settings;
    }

    private static byte[]? ParseAuthority(string hex)
    {
        if (string.IsNullOrWhiteSpace(hex)) return null;
        try
        {
            var key = Convert.FromHexString(hex.Trim());
            if (key.Length == Core.Crypto.Ed25519.PublicKeyLength) return key;
        }
        catch (FormatException)
        {
        }
        throw new ConfigurationException($"epost.storage.certificate-authority must be the CA's {Core.Crypto.Ed25519.PublicKeyLength}-byte Ed25519 public key in hex (epost ca init prints it).");
    }

    private void Validate()
    {
        if (ReplicationFactor is < 1 or > 13) throw new ConfigurationException("epost.storage.replication-factor must be 1..13 (the leaf set must reach every replica).");
        if (MaxObjectBytes is < 1 or > ObjectStoreSettings.HardMaxObjectBytes)
            throw new ConfigurationException($"epost.storage.max-object-bytes must be 1..{ObjectStoreSettings.HardMaxObjectBytes}.");
        if (NodeBudgetBytes < MaxObjectBytes) throw new ConfigurationException("epost.storage.node-budget-bytes must hold at least one object.");
        if (ChunkBytes is < 1024 or > 60000) throw new ConfigurationException("epost.storage.chunk-bytes must be 1024..60000 (Akka.Remote's frame limit).");
        if (WriterQuotaBytes < MaxObjectBytes || AdmissionSlack < 0)
            throw new ConfigurationException("epost.storage.writer-quota-bytes must hold at least one object and admission-slack must not be negative.");
        if (MaxNotificationsPerSender < 1) throw new ConfigurationException("epost.storage.max-notifications-per-sender must be positive.");
        if (MaxPendingTransfersPerPeer < 1 || MaxBufferedBytes < MaxObjectBytes)
            throw new ConfigurationException("epost.storage.max-pending-transfers-per-peer must be positive and max-buffered-bytes must hold at least one object.");
        if (MaxPendingTransfers < 1 || RepairMaxOffer < 1 || FetchBatch < 1 || HandOffBatch < 1 || CollectionBatch < 1)
            throw new ConfigurationException("epost.storage counts must be positive.");
        if (InsertTimeout <= TimeSpan.Zero || LookupTimeout <= TimeSpan.Zero || TransferTimeout <= TimeSpan.Zero || RepairInterval <= TimeSpan.Zero || ScrubInterval <= TimeSpan.Zero
            || RepairSettle < TimeSpan.Zero || FetchTick <= TimeSpan.Zero || CheckpointInterval <= TimeSpan.Zero || CollectionInterval <= TimeSpan.Zero)
            throw new ConfigurationException("epost.storage intervals and timeouts must be positive.");
    }
}
