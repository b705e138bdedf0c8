using ePost.Core.Ids;
using ePost.Overlay.Join;

namespace ePost.Overlay.Node;

public sealed partial class PastryNode
{
    private readonly List<(NodeHandle Node, TimeSpan At)> _recentlyDead = new();
    private TimeSpan? _healingUntil;
    private long _healNonce;

    /// <summary>Dead nodes remembered for partition healing, oldest first.</summary>
    public IReadOnlyList<NodeHandle> RecentlyDead => _recentlyDead.Select(d => d.Node).ToList();

    private void RememberDead(NodeHandle node)
    {
        _recentlyDead.RemoveAll(d => d.Node.Id == node.Id);
        _recentlyDead.Add((node, _host.Now));
        while (_recentlyDead.Count > _settings.HealMaxRemembered) _recentlyDead.RemoveAt(0);
    }

    private void ForgetDead(RingId id)
    {
        if (_recentlyDead.Count > 0) _recentlyDead.RemoveAll(d => d.Node.Id == id);
    }

    /// <summary>
    /// Routes a join for our own id through a node we declared dead (or a bootstrap). If that node lives on in
    /// another ring, its answer names nodes there and the rings merge; in one healthy ring the answer comes from
    /// our own neighbour and changes nothing.
    /// </summary>
    private void OnHealTick()
    {
        _host.StartTimer(HealTick.Instance, _settings.HealInterval);
        if (!IsReady) return;
        var now = _host.Now;
        _recentlyDead.RemoveAll(d => now - d.At > _settings.HealRememberFor);

        var useBootstrap = _recentlyDead.Count == 0 || _host.Random.NextDouble() < _settings.HealBootstrapProbability;
        string? target = useBootstrap && _bootstraps.Length > 0
            ? _bootstraps[_host.Random.Next(_bootstraps.Length)]
            : _recentlyDead.Count > 0 ? _recentlyDead[_host.Random.Next(_recentlyDead.Count)].Node.Address : null;
        if (target is null) return;
        _healingUntil = now + _settings.JoinTimeout;
        _healNonce = NewJoinNonce();
        Send(target, new JoinRequest(Self, Self, 0, [], JoinNonce: _healNonce), maintenance: true);
    }

    /// <summary>True while an answer to our last healing join may still arrive.</summary>
    private bool ExpectsHealingAnswer => _healingUntil is { } until && _host.Now <= until;

    /// <summary>The answer to a healing join: verify and admit what it names, and introduce ourselves to its sender.</summary>
    private void MergeFrom(JoinAccepted accepted)
    {
        Heard(accepted.Root);
        Send(accepted.Root.Address, new Announce(Self), maintenance: true);
        foreach (var node in accepted.LeafSet.Concat(accepted.Learned))
            if (node.Id != Self.Id) Consider(node);
    }
}
