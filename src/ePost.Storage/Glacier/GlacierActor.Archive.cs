using Akka.Actor;
using Akka.Event;
using ePost.Core.Erasure;
using ePost.Storage.Objects;

namespace ePost.Storage.Glacier;

/// <summary>Archiving: pack, encode, sign the manifest, store every fragment at its position's root and count acknowledgements.</summary>
public sealed partial class GlacierActor
{
    private readonly Dictionary<long, ArchiveJob> _archives = new();
    private readonly Dictionary<long, Placement> _placements = new();

    private void OnArchive(Archive archive)
    {
        if (archive.Objects is null || archive.Objects.Count == 0)
        {
            Sender.Tell(new ArchiveFailed("nothing to archive"));
            return;
        }
        foreach (var value in archive.Objects)
        {
            var check = value is null ? ValidationResult.Refuse(RefusalReason.Malformed, "a null object") : ObjectValidator.Check(value, _settings.MaxObjectBytes);
            if (!check.IsAccepted)
            {
                Sender.Tell(new ArchiveFailed($"object {value?.Id.ToShortString()} refused: {check}"));
                return;
            }
        }
        var jobId = NextOp();
        var job = new ArchiveJob(Sender);
        _archives[jobId] = job;
        var codec = CodecFor(_settings.Code.N, _settings.Code.M);
        foreach (var group in _aggregator.Group(archive.Objects.Select(o => new ContainerMember(o, archive.Lease)).ToList()))
        {
            var bytes = ContainerCodec.Pack(group);
            var fragments = codec.Encode(bytes);
            var manifest = FragmentManifest.Create(_signer, ContainerCodec.IdOf(bytes), codec.N, codec.M, bytes.Length,
                FragmentDigests.Compute(fragments), Aggregator.LeaseOf(group));
            var container = new ArchivingContainer(jobId, manifest, _settings.FragmentsToAcknowledge) { Outstanding = codec.N };
            job.Containers.Add(container);
            for (var i = 0; i < fragments.Length; i++) Place(manifest, i, fragments[i], manifest.Lease.Milliseconds, container);
        }
        Timers.StartSingleTimer(("archive", jobId), new OpExpired(OpKind.Archive, jobId), _settings.ArchiveTimeout);
    }

    /// <summary>Stores one fragment on the current root of its position; <paramref name="container"/> is null for a rebuild.</summary>
    private void Place(FragmentManifest manifest, int index, byte[] data, long leaseMs, ArchivingContainer? container)
    {
        var op = NextOp();
        _placements[op] = new Placement(container, manifest, index);
        WithRoot(manifest.Position(index), root =>
        {
            if (root is null) OnStored(op, false, "the root of the fragment's position was not found");
            else SendTransfer(root, op, leaseMs, new FragmentTransfer(FragmentTransferKind.Store, manifest, index, data));
        });
    }

    private void OnStored(long op, bool held, string message)
    {
        if (!_placements.Remove(op, out var placement)) return;
        if (placement.Container is null)
        {
            if (held) _rebuilt++;
            else
            {
                _rebuildsFailed++;
                _log.Debug("A rebuilt fragment {0} of {1} was not stored: {2}", placement.Index, placement.Manifest.ContainerId.ToShortString(), message);
            }
            return;
        }
        var container = placement.Container;
        container.Outstanding--;
        if (held) container.Acks++;
        else container.LastProblem = message;
        if (_archives.TryGetValue(container.JobId, out var job)) EvaluateArchive(container.JobId, job, final: false);
    }

    private void EvaluateArchive(long jobId, ArchiveJob job, bool final)
    {
        var failed = job.Containers.FirstOrDefault(c => c.Acks < c.Needed && (final || c.Acks + c.Outstanding < c.Needed));
        if (failed is null && job.Containers.Any(c => c.Acks < c.Needed)) return;
        _archives.Remove(jobId);
        Timers.Cancel(("archive", jobId));
        if (failed is null) job.ReplyTo.Tell(new Archived(job.Containers.Select(c => c.Manifest.Reference).ToList()));
        else
            job.ReplyTo.Tell(new ArchiveFailed($"{failed.Manifest.Reference}: {failed.Acks} of the {failed.Needed} fragments needed were stored"
                                               + (failed.LastProblem is null ? "" : $" (last refusal: {failed.LastProblem})")));
    }

    private void ExpireArchive(long jobId)
    {
        if (_archives.TryGetValue(jobId, out var job)) EvaluateArchive(jobId, job, final: true);
    }

    private sealed record ArchiveJob(IActorRef ReplyTo)
    {
        public List<ArchivingContainer> Containers { get; } = new();
    }

    private sealed record ArchivingContainer(long JobId, FragmentManifest Manifest, int Needed)
    {
        public int Acks { get; set; }
        public int Outstanding { get; set; }
        public string? LastProblem { get; set; }
    }

    private sealed record Placement(ArchivingContainer? Container, FragmentManifest Manifest, int Index);
}
