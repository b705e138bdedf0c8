using System.Text.Json.Serialization;
using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Node.Hosting;
using ePost.Overlay.Node;
using ePost.Post.Mailbox;
using ePost.Storage.Glacier;
using ePost.Storage.Replication;

namespace ePost.Node.Dashboard;

/// <summary>One leaf-set member as the dashboard shows it.</summary>
public sealed record NeighbourView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("short_id")] string ShortId,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("side")] string Side,
    [property: JsonPropertyName("position")] double Position,
    [property: JsonPropertyName("alive")] bool Alive,
    [property: JsonPropertyName("rtt_ms")] double? RttMs,
    [property: JsonPropertyName("relay")] string? Relay);

/// <summary>The ring panel: this node and its view of its neighbourhood.</summary>
public sealed record RingView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("short_id")] string ShortId,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("epoch")] long Epoch,
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("position")] double Position,
    [property: JsonPropertyName("leaf_set")] IReadOnlyList<NeighbourView> LeafSet,
    [property: JsonPropertyName("routing_table_entries")] int RoutingTableEntries,
    [property: JsonPropertyName("routing_table_rows")] int RoutingTableRows,
    [property: JsonPropertyName("recently_dead")] int RecentlyDead,
    [property: JsonPropertyName("healing")] bool Healing,
    [property: JsonPropertyName("messages_sent")] long MessagesSent,
    [property: JsonPropertyName("messages_received")] long MessagesReceived,
    [property: JsonPropertyName("dropped")] long Dropped,
    [property: JsonPropertyName("refused_handshakes")] long? RefusedHandshakes);

/// <summary>The storage panel.</summary>
public sealed record StorageView(
    [property: JsonPropertyName("objects")] long Objects,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("budget_bytes")] long BudgetBytes,
    [property: JsonPropertyName("refused")] long Refused,
    [property: JsonPropertyName("expired_collected")] long ExpiredCollected,
    [property: JsonPropertyName("repair_fetches")] long RepairFetches,
    [property: JsonPropertyName("replies_refused")] long RepliesRefused,
    [property: JsonPropertyName("leases_due_objects")] long? LeasesDueObjects,
    [property: JsonPropertyName("leases_due_bytes")] long? LeasesDueBytes,
    [property: JsonPropertyName("next_lease_end_s")] double? NextLeaseEndSeconds,
    [property: JsonPropertyName("leases_due_window_days")] double LeasesDueWindowDays);

/// <summary>The Glacier panel.</summary>
public sealed record GlacierView(
    [property: JsonPropertyName("fragments")] long Fragments,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("rebuilt")] long Rebuilt,
    [property: JsonPropertyName("rebuilds_failed")] long RebuildsFailed,
    [property: JsonPropertyName("maintenance_running")] bool MaintenanceRunning,
    [property: JsonPropertyName("archived_objects")] long? ArchivedObjects,
    [property: JsonPropertyName("archive_runs")] long? ArchiveRuns,
    [property: JsonPropertyName("last_rebuild_ago_s")] double? LastRebuildAgoSeconds,
    [property: JsonPropertyName("archive")] ArchiveView? Archive);

/// <summary>The redundancy of the logged-in user's archive: what the roots of its fragment positions said at the last count.</summary>
/// <param name="Containers">Containers the archive is in.</param>
/// <param name="Counted">Containers counted (at most <see cref="CountFragments.MaxContainers"/>); null until the first count answered.</param>
/// <param name="Held">Fragments held, over the counted containers.</param>
/// <param name="Total">Fragments there are, over the counted containers.</param>
/// <param name="WeakestSpare">The fewest fragments any counted container can still lose and be rebuilt (negative: it cannot be).</param>
/// <param name="CountedAgoSeconds">How long ago the count finished.</param>
public sealed record ArchiveView(
    [property: JsonPropertyName("containers")] int Containers,
    [property: JsonPropertyName("counted")] int? Counted,
    [property: JsonPropertyName("fragments_held")] int? Held,
    [property: JsonPropertyName("fragments_total")] int? Total,
    [property: JsonPropertyName("weakest_spare")] int? WeakestSpare,
    [property: JsonPropertyName("counted_ago_s")] double? CountedAgoSeconds);

/// <summary>One folder of the logged-in user.</summary>
public sealed record FolderView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("unseen")] int Unseen,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>The mail panel: the spool, deliveries, and the logged-in user's mailbox.</summary>
public sealed record MailView(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("mailbox_ready")] bool? MailboxReady,
    [property: JsonPropertyName("spool_pending")] int SpoolPending,
    [property: JsonPropertyName("delivered")] long Delivered,
    [property: JsonPropertyName("retrying")] long Retrying,
    [property: JsonPropertyName("bounced")] long Bounced,
    [property: JsonPropertyName("filed")] long? Filed,
    [property: JsonPropertyName("missing_blocks")] int? MissingBlocks,
    [property: JsonPropertyName("degraded_folders")] IReadOnlyList<string>? DegradedFolders,
    [property: JsonPropertyName("folders")] IReadOnlyList<FolderView>? Folders);

/// <summary>Everything one dashboard page shows; a section the node could not fill in time is null and named in <c>unavailable</c>.</summary>
public sealed record DashboardView(
    [property: JsonPropertyName("ring")] RingView? Ring,
    [property: JsonPropertyName("storage")] StorageView? Storage,
    [property: JsonPropertyName("glacier")] GlacierView? Glacier,
    [property: JsonPropertyName("mail")] MailView Mail,
    [property: JsonPropertyName("unavailable")] IReadOnlyList<string> Unavailable);

/// <summary>Collects a <see cref="DashboardView"/> from a node's layers, each asked with a deadline so a stopped layer costs a section, never the page.</summary>
public sealed class DashboardSnapshot(NodeHost node, DeliveryCounters deliveries, TimeSpan deadline)
{
    /// <summary>How long a count of a user's archive fragments is shown before the next page view starts another.</summary>
    public static readonly TimeSpan ArchiveCountLifetime = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, ArchiveCount> _archiveCounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The view for <paramref name="user"/> (one of the node's users) now.</summary>
    public async Task<DashboardView> CollectAsync(MailUser user, CancellationToken cancellation)
    {
        var unavailable = new List<string>();
        var ring = Try("ring", async () => RingOf(await node.Overlay.Ask<NodeStatus>(GetNodeStatus.Instance, deadline, cancellation)));
        var storage = Try("storage", async () => StorageOf(await node.Storage.Ask<StorageStatus>(GetStorageStatus.Instance, deadline, cancellation)));
        var glacierStatus = Try("glacier", () => node.Glacier.Ask<GlacierStatus>(GetGlacierStatus.Instance, deadline, cancellation));
        var agent = node.Mail?.Agents.GetValueOrDefault(user.Address) is { } a
            ? Try("mailbox", () => a.Ask<AgentStatus>(GetAgentStatus.Instance, deadline, cancellation))
            : Task.FromResult<AgentStatus?>(null);
        var folders = Try("folders", () => FoldersAsync(user, cancellation));
        await Task.WhenAll(ring, storage, glacierStatus, agent, folders);

        async Task<T?> Try<T>(string section, Func<Task<T>> read) where T : class
        {
            try
            {
                return await read().WaitAsync(deadline, cancellation);
            }
            catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException or MailStoreException && !cancellation.IsCancellationRequested)
            {
                lock (unavailable) unavailable.Add(section);
                return null;
            }
        }

        var status = agent.Result;
        var g = glacierStatus.Result;
        var glacier = g is null ? null : new GlacierView(g.Store.Fragments, g.Store.Bytes, g.Rebuilt, g.RebuildsFailed, g.MaintenanceRunning, status?.ArchivedObjects, status?.ArchiveRuns,
            g.LastRebuild is { } rebuilt ? Seconds(g.LeaseNow.Milliseconds - rebuilt.Milliseconds) : null, ArchiveOf(user, status?.ArchiveContainers));
        var mail = new MailView(user.Address, status?.Ready, deliveries.SpoolPending(), deliveries.Delivered, deliveries.Retrying, deliveries.Bounced,
            status?.Filed, status?.Missing?.Count, status?.DegradedFolders, folders.Result);
        unavailable.Sort(StringComparer.Ordinal);
        return new DashboardView(ring.Result, storage.Result, glacier, mail, unavailable);
    }

    private async Task<IReadOnlyList<FolderView>> FoldersAsync(MailUser user, CancellationToken cancellation)
    {
        var store = node.Mail?.Store ?? throw new MailStoreException(MailStoreError.Unavailable, "this node serves no mail");
        var views = new List<FolderView>();
        foreach (var folder in await store.ListFoldersAsync(user, cancellation))
        {
            var state = await store.ReadFolderAsync(user, folder.Name, cancellation);
            views.Add(new FolderView(folder.Name, state.Messages.Count, state.Messages.Count(m => !m.Flags.Contains(@"\Seen")), state.Messages.Sum(m => m.Size)));
        }
        // INBOX first, then by name, whatever order the mailbox keeps them in.
        return views.OrderBy(v => v.Name == "INBOX" ? 0 : 1).ThenBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    private RingView RingOf(NodeStatus s)
    {
        // In a small ring a member is a neighbour on both sides.
        var clockwise = s.Clockwise.Select(h => h.Id).ToHashSet();
        var counter = s.CounterClockwise.Select(h => h.Id).ToHashSet();
        var members = s.Clockwise.Concat(s.CounterClockwise).DistinctBy(h => h.Id)
            .Select(h => (h, clockwise.Contains(h.Id) && counter.Contains(h.Id) ? "both" : clockwise.Contains(h.Id) ? "clockwise" : "counter-clockwise")).ToList();
        var states = (s.Neighbours ?? []).ToDictionary(n => n.Id);
        var leafSet = members.Select(m =>
        {
            var state = states.GetValueOrDefault(m.h.Id);
            return new NeighbourView(m.h.Id.ToString(), m.h.Id.ToShortString(), m.h.Address, m.Item2, Position(m.h.Id), state?.Suspected != true,
                state?.RttMs is { } rtt ? Math.Round(rtt, 2) : null, state?.Relay?.ToShortString());
        }).ToList();
        return new RingView(s.Self.Id.ToString(), s.Self.Id.ToShortString(), s.Self.Address, s.Self.Epoch, s.Ready, Position(s.Self.Id), leafSet,
            s.RoutingTableEntries, s.RoutingTableRows, s.RecentlyDead, s.Healing, s.MessagesSent, s.MessagesReceived, s.Dropped, node.Trust?.Refused);
    }

    private static StorageView StorageOf(StorageStatus s) =>
        new(s.Store.ObjectCount, s.Store.TotalBytes, s.Store.BudgetBytes, s.Store.Refusals.Values.Sum(), s.Store.ExpiredCollected, s.RepairFetches, s.RepliesRefused,
            s.LeasesDue?.Objects, s.LeasesDue?.Bytes, s.LeasesDue?.Earliest is { } end ? Seconds(end.Milliseconds - s.LeaseNow.Milliseconds) : null,
            StorageStatus.LeaseWindow.Milliseconds / 86_400_000.0);

    private static double Seconds(long milliseconds) => Math.Round(milliseconds / 1000.0, 1);

    /// <summary>
    /// The user's archive as last counted, and a new count started in the background when there is none or it is older
    /// than <see cref="ArchiveCountLifetime"/> (one at a time per user: a count asks one question per fragment).
    /// </summary>
    private ArchiveView? ArchiveOf(MailUser user, IReadOnlyList<Storage.Glacier.ContainerRef>? containers)
    {
        if (containers is null) return null;
        ArchiveCount? count;
        lock (_archiveCounts)
        {
            _archiveCounts.TryGetValue(user.Address, out count);
            var stale = count is null || (count.Finished is { } finished && System.Diagnostics.Stopwatch.GetElapsedTime(finished) > ArchiveCountLifetime);
            if (containers.Count > 0 && stale && count?.Running != true)
            {
                var next = new ArchiveCount { Running = true, Result = count?.Result, Finished = count?.Finished };
                _archiveCounts[user.Address] = next;
                _ = CountAsync(next, containers);
                count = next;
            }
        }
        var result = count?.Result;
        return new ArchiveView(containers.Count, result?.Containers.Count, result?.Containers.Sum(c => c.Held), result?.Containers.Sum(c => c.N),
            result is { Containers.Count: > 0 } ? result.Containers.Min(c => c.Spare) : null,
            count?.Finished is { } at ? Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(at).TotalSeconds, 1) : null);
    }

    private async Task CountAsync(ArchiveCount count, IReadOnlyList<Storage.Glacier.ContainerRef> containers)
    {
        Storage.Glacier.FragmentsCounted? result = null;
        try
        {
            // The Glacier actor answers by its own deadline (twice the fragment timeout); this one only bounds a stopped actor.
            result = await node.Glacier.Ask<Storage.Glacier.FragmentsCounted>(new Storage.Glacier.CountFragments(containers), TimeSpan.FromMinutes(2));
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
        }
        lock (_archiveCounts)
        {
            count.Result = result ?? count.Result;
            count.Finished = System.Diagnostics.Stopwatch.GetTimestamp();
            count.Running = false;
        }
    }

    private sealed class ArchiveCount
    {
        public bool Running { get; set; }
        public Storage.Glacier.FragmentsCounted? Result { get; set; }
        public long? Finished { get; set; }
    }

    /// <summary>Where an id sits on the ring, as a fraction of the circle from 0 (its top 64 bits).</summary>
    public static double Position(Core.Ids.RingId id) => id.Top64 / Math.Pow(2, 64);
}
