using ePost.Node.Commands;
using ePost.Overlay;
using ePost.Overlay.Node;
using ePost.Overlay.Routing;

namespace ePost.Node.Tests;

/// <summary>Checks on rings of real <c>epost run</c> processes, through <c>epost status</c>'s remote query.</summary>
public static class ProcessRing
{
    /// <summary>Every listed node answers, and its leaf set is exactly the true neighbours among the listed nodes.</summary>
    public static async Task<bool> IsCorrectAsync(IReadOnlyList<string> addresses)
    {
        var statuses = await Task.WhenAll(addresses.Select(a => QueryAsync(a, TimeSpan.FromSeconds(3))));
        if (statuses.Any(s => s is null)) return false;
        var ids = statuses.Select(s => s!.Self.Id).ToList();
        return statuses.All(s => RingTruth.IsCorrect(ids, s!, OverlaySettings.Default.LeafSetSize / 2));
    }

    /// <summary>One node's status, asked as a certified member of <see cref="TestRingCa.Shared"/>'s ring (as <c>epost status</c> asks); null without an answer in time.</summary>
    public static Task<NodeStatus?> QueryAsync(string address, TimeSpan timeout)
    {
        var (credential, trust) = TestRingCa.Member();
        return StatusCommand.QueryAsync(address, timeout, credential, trust);
    }

    /// <summary>A storage client connected as a certified member of <see cref="TestRingCa.Shared"/>'s ring.</summary>
    public static Task<StorageClient> StorageAsync(string address)
    {
        var (credential, trust) = TestRingCa.Member();
        return StorageClient.ConnectAsync(address, credential, trust);
    }
}
