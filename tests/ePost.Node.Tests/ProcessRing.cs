using ePost.Node.Commands;
using ePost.Overlay;
using ePost.Overlay.Routing;

namespace ePost.Node.Tests;

/// <summary>Checks on rings of real <c>epost run</c> processes, through <c>epost status</c>'s remote query.</summary>
public static class ProcessRing
{
    /// <summary>Every listed node answers, and its leaf set is exactly the true neighbours among the listed nodes.</summary>
    public static async Task<bool> IsCorrectAsync(IReadOnlyList<string> addresses)
    {
        var statuses = await Task.WhenAll(addresses.Select(a => StatusCommand.QueryAsync(a, TimeSpan.FromSeconds(3))));
        if (statuses.Any(s => s is null)) return false;
        var ids = statuses.Select(s => s!.Self.Id).ToList();
        return statuses.All(s => RingTruth.IsCorrect(ids, s!, OverlaySettings.Default.LeafSetSize / 2));
    }
}
