namespace ePost.Storage.Glacier;

/// <summary>
/// Packs objects into containers so that fragment bookkeeping grows with the number of containers, not messages:
/// members are taken in order and a container is closed when the next member would break its byte or count limit.
/// </summary>
/// <remarks>An object larger than the byte limit travels alone in a container of its own (it cannot be split).</remarks>
public sealed class Aggregator
{
    private readonly int _maxBytes;
    private readonly int _maxObjects;

    /// <summary>An aggregator for containers of at most <paramref name="maxBytes"/> bytes and <paramref name="maxObjects"/> members.</summary>
    public Aggregator(int maxBytes, int maxObjects)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, ContainerCodec.HeaderLength + ContainerCodec.MemberOverhead + 1);
        if (maxObjects is < 1 or > ContainerCodec.MaxMembers) throw new ArgumentOutOfRangeException(nameof(maxObjects));
        _maxBytes = maxBytes;
        _maxObjects = maxObjects;
    }

    /// <summary>The members grouped into containers, in order; every member appears exactly once.</summary>
    public IReadOnlyList<IReadOnlyList<ContainerMember>> Group(IReadOnlyList<ContainerMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var groups = new List<IReadOnlyList<ContainerMember>>();
        var current = new List<ContainerMember>();
        long bytes = ContainerCodec.HeaderLength;
        foreach (var member in members)
        {
            var size = (long)member.Object.EncodedLength + ContainerCodec.MemberOverhead;
            if (current.Count > 0 && (current.Count == _maxObjects || bytes + size > _maxBytes))
            {
                groups.Add(current);
                current = new List<ContainerMember>();
                bytes = ContainerCodec.HeaderLength;
            }
            current.Add(member);
            bytes += size;
        }
        if (current.Count > 0) groups.Add(current);
        return groups;
    }

    /// <summary>The container's lease: its longest-lived member's, since it must outlive every member.</summary>
    public static Leases.LeaseDuration LeaseOf(IReadOnlyList<ContainerMember> members) => members.Max(m => m.Lease);
}
