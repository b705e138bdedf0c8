using Akka.Configuration;
using ePost.Core.Erasure;
using ePost.Storage.Replication;

namespace ePost.Storage.Glacier;

/// <summary>Glacier's settings, read once from <c>epost.glacier</c> (defaults and their reasons: <c>hocon/storage.conf</c>).</summary>
public sealed record GlacierSettings(
    ErasureSetting Code,
    int ContainerMaxBytes,
    int ContainerMaxObjects,
    double RepackBelowLiveFraction,
    long NodeBudgetBytes,
    int ArchiveQuorum,
    TimeSpan ArchiveTimeout,
    TimeSpan RestoreTimeout,
    TimeSpan FragmentTimeout,
    int ExtraFetches,
    int ChunkBytes,
    int MaxPendingTransfers,
    TimeSpan TransferTimeout,
    TimeSpan MaintenanceInterval,
    int MaintenanceBatch,
    int MaxConcurrentChecks,
    int MaxRebuildsPerRound,
    TimeSpan CheckpointInterval,
    TimeSpan CollectionInterval,
    int CollectionBatch,
    int MaxObjectBytes)
{
    /// <summary>The defaults as settings.</summary>
    public static GlacierSettings Default { get; } = Create(StorageSettings.DefaultConfig);

    /// <summary>Fragment transfers buffered at once from one sending peer (<c>max-pending-transfers-per-peer</c>).</summary>
    public int MaxPendingTransfersPerPeer { get; init; } = 32;

    /// <summary>Bytes all partly received fragment transfers together may hold (<c>max-buffered-bytes</c>).</summary>
    public long MaxBufferedBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Set when the code is chosen per container (<c>code.fragments = needed = 0</c>): the loss target it must meet.
    /// <see cref="Code"/> is then the choice for <c>sizing-container-bytes</c>, reported by <c>epost bench erasure</c>.
    /// </summary>
    public AutomaticCode? Automatic { get; init; }

    /// <summary>
    /// The code for a container of <paramref name="containerBytes"/>: the fixed one, or the one meeting the loss target
    /// that stores the fewest bytes for a container of exactly this size, manifests included (a small container
    /// written by incremental archiving gets few fragments, a full one many).
    /// </summary>
    public ErasureSetting CodeFor(long containerBytes) =>
        Automatic is { } auto ? CodeChoice.Cheapest(auto.FailureFraction, auto.TargetLoss, auto.MaxFragments, Math.Max(1, containerBytes)) ?? Code : Code;

    /// <summary>Largest fragment this node accepts: a largest container cut into m pieces (into one, when codes are chosen per container).</summary>
    public int MaxFragmentBytes => (int)Math.Min(int.MaxValue, Automatic is null ? (MaxContainerBytes + Code.M - 1) / Code.M : MaxContainerBytes);

    /// <summary>Largest container: the byte limit, or one largest object alone with its framing.</summary>
    public long MaxContainerBytes => Math.Max(ContainerMaxBytes, (long)MaxObjectBytes + ContainerCodec.HeaderLength + ContainerCodec.MemberOverhead);

    /// <summary>Reads <c>epost.glacier</c> from <paramref name="config"/>, falling back to the defaults.</summary>
    public static GlacierSettings Create(Config config)
    {
        var root = ReferenceEquals(config, StorageSettings.DefaultConfig) ? config : config.WithFallback(StorageSettings.DefaultConfig);
        var c = root.GetConfig("epost.glacier");
        var settings = new GlacierSettings(
            Code: ChooseCode(c.GetConfig("code"), c.GetInt("container.max-bytes")),
            ContainerMaxBytes: c.GetInt("container.max-bytes"),
            ContainerMaxObjects: c.GetInt("container.max-objects"),
            RepackBelowLiveFraction: c.GetDouble("container.repack-below-live-fraction"),
            NodeBudgetBytes: c.GetLong("node-budget-bytes"),
            ArchiveQuorum: c.GetInt("archive-quorum"),
            ArchiveTimeout: c.GetTimeSpan("archive-timeout"),
            RestoreTimeout: c.GetTimeSpan("restore-timeout"),
            FragmentTimeout: c.GetTimeSpan("fragment-timeout"),
            ExtraFetches: c.GetInt("extra-fetches"),
            ChunkBytes: c.GetInt("chunk-bytes"),
            MaxPendingTransfers: c.GetInt("max-pending-transfers"),
            TransferTimeout: c.GetTimeSpan("transfer-timeout"),
            MaintenanceInterval: c.GetTimeSpan("maintenance.interval"),
            MaintenanceBatch: c.GetInt("maintenance.batch"),
            MaxConcurrentChecks: c.GetInt("maintenance.concurrent-checks"),
            MaxRebuildsPerRound: c.GetInt("maintenance.max-rebuilds"),
            CheckpointInterval: c.GetTimeSpan("leases.checkpoint-interval"),
            CollectionInterval: c.GetTimeSpan("leases.collection-interval"),
            CollectionBatch: c.GetInt("leases.collection-batch"),
            MaxObjectBytes: root.GetInt("epost.storage.max-object-bytes"))
        {
            MaxPendingTransfersPerPeer = c.GetInt("max-pending-transfers-per-peer"),
            MaxBufferedBytes = c.GetLong("max-buffered-bytes"),
        };
        settings = settings with { Automatic = AutomaticOf(c.GetConfig("code")) };
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// Fixed (n, m) when both are given, else the code meeting the target loss at the failure fraction that stores the
    /// fewest bytes for a container of <c>code.sizing-container-bytes</c>, manifests included (<see cref="CodeChoice"/>).
    /// </summary>
    private static ErasureSetting ChooseCode(Config c, int containerMaxBytes)
    {
        var failure = c.GetDouble("failure-fraction");
        if (!(failure is > 0 and < 1)) throw new ConfigurationException("epost.glacier.code.failure-fraction must be in (0, 1).");
        var n = c.GetInt("fragments");
        var m = c.GetInt("needed");
        if (n > 0 || m > 0)
        {
            if (n is < 1 or > ErasureCodec.MaxFragments || m < 1 || m > n)
                throw new ConfigurationException($"epost.glacier.code needs 1 <= needed <= fragments <= {ErasureCodec.MaxFragments} (got {n}, {m}).");
            return DurabilityCalculator.Evaluate(n, m, failure);
        }
        var target = c.GetDouble("target-loss");
        var maxN = c.GetInt("max-fragments");
        if (!(target is > 0 and <= 1) || maxN is < 1 or > ErasureCodec.MaxFragments)
            throw new ConfigurationException("epost.glacier.code.target-loss must be in (0, 1] and max-fragments in 1..255.");
        var sizing = c.GetLong("sizing-container-bytes");
        if (sizing < 1 || sizing > containerMaxBytes) throw new ConfigurationException("epost.glacier.code.sizing-container-bytes must be 1..container.max-bytes.");
        return CodeChoice.Cheapest(failure, target, maxN, sizing)
               ?? throw new ConfigurationException($"no code with at most {maxN} fragments loses less than {target} at {failure:P0} failure.");
    }

    private static AutomaticCode? AutomaticOf(Config c) =>
        c.GetInt("fragments") > 0 || c.GetInt("needed") > 0 ? null : new AutomaticCode(c.GetDouble("failure-fraction"), c.GetDouble("target-loss"), c.GetInt("max-fragments"));

    private void Validate()
    {
        if (ContainerMaxBytes < ContainerCodec.HeaderLength + ContainerCodec.MemberOverhead + 1 || ContainerMaxObjects is < 1 or > ContainerCodec.MaxMembers)
            throw new ConfigurationException("epost.glacier.container limits are out of range.");
        if (!(RepackBelowLiveFraction is >= 0 and <= 1)) throw new ConfigurationException("epost.glacier.container.repack-below-live-fraction must be in [0, 1].");
        if (NodeBudgetBytes < MaxFragmentBytes) throw new ConfigurationException("epost.glacier.node-budget-bytes must hold at least one fragment.");
        if (MaxPendingTransfersPerPeer < 1 || MaxBufferedBytes < MaxContainerBytes)
            throw new ConfigurationException("epost.glacier.max-pending-transfers-per-peer must be positive and max-buffered-bytes must hold at least one container.");
        if (ArchiveQuorum < 1) throw new ConfigurationException("epost.glacier.archive-quorum must be at least 1.");
        if (ChunkBytes is < 1024 or > 60000) throw new ConfigurationException("epost.glacier.chunk-bytes must be 1024..60000 (Akka.Remote's frame limit).");
        if (ExtraFetches < 0 || MaxPendingTransfers < 1 || MaintenanceBatch < 1 || MaxConcurrentChecks < 1 || MaxRebuildsPerRound < 1 || CollectionBatch < 1)
            throw new ConfigurationException("epost.glacier counts must be positive.");
        if (ArchiveTimeout <= TimeSpan.Zero || RestoreTimeout <= TimeSpan.Zero || FragmentTimeout <= TimeSpan.Zero || TransferTimeout <= TimeSpan.Zero
            || MaintenanceInterval <= TimeSpan.Zero || CheckpointInterval <= TimeSpan.Zero || CollectionInterval <= TimeSpan.Zero)
            throw new ConfigurationException("epost.glacier intervals and timeouts must be positive.");
    }

    /// <summary>Fragments an archive of a container under (n, m) needs stored before it is acknowledged: quorum x m, at most n.</summary>
    public int FragmentsToAcknowledge(int n, int m) => Math.Min(n, ArchiveQuorum * m);
}

/// <summary>What a per-container code choice must meet.</summary>
/// <param name="FailureFraction">The fraction of nodes failing at once it is sized for.</param>
/// <param name="TargetLoss">The largest acceptable probability of losing a container then.</param>
/// <param name="MaxFragments">The most fragments a container may be cut into.</param>
public sealed record AutomaticCode(double FailureFraction, double TargetLoss, int MaxFragments);
