using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Post.Binary;
using ePost.Storage.Objects;

namespace ePost.Post.Identity;

/// <summary>
/// Which nodes serve a user now: a signed object of the user's (label "presence") listing the user's online devices,
/// the one that published most recently first. Senders read it to hint the recipient's node directly, and each device
/// reads it to hint the others when its logs change; it is only ever a hint, so its age matters little and no clock
/// is compared.
/// </summary>
/// <remarks>
/// Every device of the user writes the same object, so a device adds itself to the list it read instead of replacing
/// it (a device restarted at a new address or epoch replaces its own entry, found by node id), and writes the next
/// version: when two devices write at once, the replicas refuse one of the two (same version, other content) and that
/// device reads again and retries. A device that went away stays listed until <see cref="MaxDevices"/> newer entries
/// push it out or the lease ends; a hint to it is lost, and the periodic checks cover it.
/// </remarks>
public static class Presence
{
    /// <summary>The label of a user's presence object.</summary>
    public const string Label = "presence";

    /// <summary>Most devices one presence object lists (the oldest entries drop out).</summary>
    public const int MaxDevices = 8;

    /// <summary>The ring id of the presence object of the user with this signing key.</summary>
    public static RingId IdOf(ReadOnlySpan<byte> signingPublicKey) => SignedObject.IdFor(signingPublicKey, Label);

    /// <summary>Signs version <paramref name="version"/> of the user's presence on <paramref name="nodes"/> (at most <see cref="MaxDevices"/>, first is the newest).</summary>
    /// <exception cref="ArgumentException">When there are no nodes or more than <see cref="MaxDevices"/>, or one node is listed twice.</exception>
    public static SignedObject Create(UserKeys user, IReadOnlyList<NodeHandle> nodes, ulong version)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count is 0 or > MaxDevices) throw new ArgumentException($"A presence lists 1 to {MaxDevices} nodes, not {nodes.Count}.", nameof(nodes));
        if (nodes.Select(n => n.Id).Distinct().Count() != nodes.Count) throw new ArgumentException("A presence lists each node once.", nameof(nodes));
        var writer = new FieldWriter().Byte((byte)nodes.Count);
        foreach (var node in nodes) writer.Raw(node.Id.ToBytes()).Text(node.Address).Int64(node.Epoch);
        return SignedObject.Create(user.Signing, Label, version, writer.ToArray());
    }

    /// <summary>Signs version <paramref name="version"/> of a presence listing only <paramref name="node"/>.</summary>
    public static SignedObject Create(UserKeys user, NodeHandle node, ulong version) => Create(user, [node], version);

    /// <summary>
    /// The list <paramref name="self"/> publishes after reading <paramref name="current"/>: itself first, then the
    /// others as they were (its own old entry, at another address or epoch, removed), cut to <see cref="MaxDevices"/>.
    /// Null when <paramref name="current"/> already lists <paramref name="self"/> exactly: nothing to write.
    /// </summary>
    public static IReadOnlyList<NodeHandle>? Joined(IReadOnlyList<NodeHandle> current, NodeHandle self)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(self);
        if (current.Contains(self)) return null;
        return [self, .. current.Where(n => n.Id != self.Id).Take(MaxDevices - 1)];
    }

    /// <summary>The nodes a presence object lists, newest first; empty when it is not a valid presence of the user with <paramref name="signingPublicKey"/>.</summary>
    public static IReadOnlyList<NodeHandle> Read(StoredObject? value, ReadOnlySpan<byte> signingPublicKey)
    {
        if (value is not SignedObject signed || signed.Label != Label || !signed.OwnerKey.Span.SequenceEqual(signingPublicKey)
            || !signed.IdMatchesOwner() || !signed.SignatureIsValid())
            return [];
        try
        {
            var reader = new FieldReader(signed.Payload.Span, "presence");
            var count = reader.Byte();
            if (count is 0 or > MaxDevices) throw new FormatException($"A presence lists 1 to {MaxDevices} nodes, not {count}.");
            var nodes = new List<NodeHandle>(count);
            for (var i = 0; i < count; i++)
            {
                var id = RingId.FromBytes(reader.Raw(RingId.ByteLength));
                nodes.Add(new NodeHandle(id, reader.Text(1024), reader.Int64()));
            }
            reader.End();
            return nodes.Select(n => n.Id).Distinct().Count() == nodes.Count ? nodes : [];
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
