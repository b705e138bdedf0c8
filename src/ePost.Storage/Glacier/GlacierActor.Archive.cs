using Akka.Actor;
using Akka.Event;
using ePost.Core.Erasure;
using ePost.Core.Hashing;
using ePost.Storage.Objects;
using ePost.Storage.Wire;

namespace ePost.Storage.Glacier;

/// <summary>Archiving: pack, encode, sign the manifest, store every fragment at its position's root and count acknowledgements.</summary>
public sealed partial class GlacierActor
{
    /// <summary>What a holder answers when it has no copy of a fragment.</summary>
    private const string NotHeld = "not held here";

    private readonly Dictionary<RequestId, ArchiveJob> _archives = new();
    private readonly Dictionary<RequestId, Placement> _placements = new();

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
        var replyTo = Sender;
        StartArchive(archive.Objects.Select(o => new ContainerMember(o, archive.Lease)).ToList(),
            refs => replyTo.Tell(new Archived(refs)), why => replyTo.Tell(new ArchiveFailed(why)));
    }

    /// <summary>Packs the members into containers and places every fragment of each.</summary>
    private void StartArchive(IReadOnlyList<ContainerMember> members, Action<IReadOnlyList<ContainerRef>> succeeded, Action<string> failed)
    {
        var job = StartJob(succeeded, failed);
        foreach (var group in _aggregator.Group(members))
        {
            var bytes = ContainerCodec.Pack(group);
            var code = _settings.CodeFor(bytes.Length);
            var codec = CodecFor(code.N, code.M);
            var fragments = codec.Encode(bytes);
            var manifests = FragmentManifest.Create(_signer, Sha256.Hash(bytes), codec.N, codec.M, bytes.Length, fragments, Aggregator.LeaseOf(group));
            var container = job.Add(manifests[0], _settings.FragmentsToAcknowledge(manifests[0].N, manifests[0].M));
            for (var i = 0; i < fragments.Length; i++) Place(new Placement(container, manifests[i], i, fragments[i]));
        }
    }

    /// <summary>
    /// Renews a container in place: every position's root is sent the new manifest version alone; a root without
    /// the fragment answers "not held" and is then sent the fragment itself, so a renewal also repairs.
    /// </summary>
    private void StartRenewal(IReadOnlyList<FragmentManifest> renewed, byte[][] fragments, Action<IReadOnlyList<ContainerRef>> succeeded, Action<string> failed)
    {
        var job = StartJob(succeeded, failed);
        var tracked = job.Add(renewed[0], _settings.FragmentsToAcknowledge(renewed[0].N, renewed[0].M));
        for (var i = 0; i < renewed.Count; i++)
        {
            var index = i;
            var op = NextOp();
            var manifest = renewed[index];
            Track(op, new Placement(tracked, manifest, index, null, () => fragments[index]));
            WithRoot(manifest.Position(index), root =>
            {
                if (root is null) OnStored(op, false, "the root of the fragment's position was not found");
                else if (AskedHolder(op, root)) Send(root, new FragmentRenewal(op, index, manifest.Encode()));
            });
        }
    }

    private ArchiveJob StartJob(Action<IReadOnlyList<ContainerRef>> succeeded, Action<string> failed)
    {
        var jobId = NextOp();
        var job = new ArchiveJob(jobId, succeeded, failed);
        _archives[jobId] = job;
        Timers.StartSingleTimer(("archive", jobId), new OpExpired(OpKind.Archive, jobId), _settings.ArchiveTimeout);
        return job;
    }

    /// <summary>Stores one fragment on the current root of its position.</summary>
    private void Place(Placement placement)
    {
        var op = NextOp();
        Track(op, placement);
        WithRoot(placement.Manifest.Position(placement.Index), root =>
        {
            if (root is null) OnStored(op, false, "the root of the fragment's position was not found");
            else if (AskedHolder(op, root)) SendTransfer(root, op, placement.LeaseMs ?? placement.Manifest.Lease.Milliseconds,
                new FragmentTransfer(FragmentTransferKind.Store, placement.Manifest, placement.Index, placement.Data!));
        });
    }

    /// <summary>Remembers a fragment on its way until its holder answers or, if the root died on the way, until the archive timeout.</summary>
    private void Track(RequestId op, Placement placement)
    {
        _placements[op] = placement;
        Timers.StartSingleTimer(("place", op), new OpExpired(OpKind.Placement, op), _settings.ArchiveTimeout);
    }

    /// <summary>Records the node a fragment is sent to, the only one whose <see cref="FragmentStored"/> counts; false when the placement is gone.</summary>
    private bool AskedHolder(RequestId op, Overlay.NodeHandle holder)
    {
        if (!_placements.TryGetValue(op, out var placement)) return false;
        _placements[op] = placement with { Holder = holder };
        return true;
    }

    /// <summary>
    /// A holder's answer counts only for an outstanding placement, from the node the fragment was sent to, and (when it
    /// says held) about that container and index. A refusal from the asked holder counts as it is: it speaks only for itself.
    /// </summary>
    private void OnStoredReply(Overlay.NodeHandle from, FragmentStored stored)
    {
        if (!_placements.TryGetValue(stored.Op, out var placement) || !IsFrom(placement.Holder, from)
            || (stored.Held && (stored.Container != placement.Manifest.ContainerId || stored.Index != placement.Index)))
        {
            RefuseReply(nameof(FragmentStored), stored.Container, from);
            return;
        }
        OnStored(stored.Op, stored.Held, stored.Message);
    }

    /// <summary>At a holder: extend a held fragment to a renewed manifest (same writer, same digest, checked by the store).</summary>
    private void OnRenewal(Overlay.NodeHandle from, FragmentRenewal renewal)
    {
        var manifest = FragmentManifest.TryDecode(renewal.Manifest, out var problem);
        if (manifest is null || renewal.Index != manifest.Index)
        {
            _transfersRefused++;
            Send(from, new FragmentStored(renewal.Op, manifest?.ContainerId ?? default, renewal.Index, false, problem ?? "the renewal's path is for another fragment"));
            return;
        }
        var held = _store.Get(new FragmentKey(manifest.ContainerId, renewal.Index));
        var result = held is null
            ? new FragmentPutResult(FragmentOutcome.Refused, NotHeld)
            : _store.Put(manifest, renewal.Index, held.Data, _clock.ExpiryFor(manifest.Lease));
        Send(from, new FragmentStored(renewal.Op, manifest.ContainerId, renewal.Index, result.IsHeld, result.Message));
    }

    private void OnStored(RequestId op, bool held, string message)
    {
        if (!_placements.Remove(op, out var placement)) return;
        Timers.Cancel(("place", op));
        if (!held && message == NotHeld && placement.Fallback is { } fragment)
        {
            // A renewal reached a root without the fragment: send it the fragment itself.
            Place(placement with { Data = fragment(), Fallback = null });
            return;
        }
        if (placement.HandOff)
        {
            if (held) _handedOff++;
            return;
        }
        if (placement.Container is null)
        {
            if (held)
            {
                _rebuilt++;
                _lastRebuild = _clock.Now;
            }
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
        if (_archives.TryGetValue(container.Job.Id, out var job)) EvaluateArchive(job, final: false);
    }

    private void EvaluateArchive(ArchiveJob job, bool final)
    {
        var failed = job.Containers.FirstOrDefault(c => c.Acks < c.Needed && (final || c.Acks + c.Outstanding < c.Needed));
        if (failed is null && job.Containers.Any(c => c.Acks < c.Needed)) return;
        _archives.Remove(job.Id);
        Timers.Cancel(("archive", job.Id));
        if (failed is null) job.Succeeded(job.Containers.Select(c => c.Manifest.Reference).ToList());
        else
            job.Failed($"{failed.Manifest.Reference}: {failed.Acks} of the {failed.Needed} fragments needed were stored"
                       + (failed.LastProblem is null ? "" : $" (last refusal: {failed.LastProblem})"));
    }

    private void ExpireArchive(RequestId jobId)
    {
        if (_archives.TryGetValue(jobId, out var job)) EvaluateArchive(job, final: true);
    }

    /// <summary>One archive (or renewal) waiting for enough holders of each of its containers.</summary>
    private sealed class ArchiveJob(RequestId id, Action<IReadOnlyList<ContainerRef>> succeeded, Action<string> failed)
    {
        public RequestId Id { get; } = id;
        public Action<IReadOnlyList<ContainerRef>> Succeeded { get; } = succeeded;
        public Action<string> Failed { get; } = failed;
        public List<ArchivingContainer> Containers { get; } = new();

        public ArchivingContainer Add(FragmentManifest manifest, int needed)
        {
            var container = new ArchivingContainer(this, manifest, Math.Min(needed, manifest.N)) { Outstanding = manifest.N };
            Containers.Add(container);
            return container;
        }
    }

    private sealed class ArchivingContainer(ArchiveJob job, FragmentManifest manifest, int needed)
    {
        public ArchiveJob Job { get; } = job;
        public FragmentManifest Manifest { get; } = manifest;
        public int Needed { get; } = needed;
        public int Acks { get; set; }
        public int Outstanding { get; set; }
        public string? LastProblem { get; set; }
    }

    /// <summary>
    /// One fragment on its way to a holder; <c>Container</c> is null for a rebuild or hand-off, <c>Fallback</c> set for
    /// a renewal, <c>Holder</c> the node it was sent to once its root is known.
    /// </summary>
    private sealed record Placement(ArchivingContainer? Container, FragmentManifest Manifest, int Index, byte[]? Data,
        Func<byte[]>? Fallback = null, long? LeaseMs = null, bool HandOff = false, Overlay.NodeHandle? Holder = null);
}
