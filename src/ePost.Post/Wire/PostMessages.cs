using ePost.Core.Ids;
using ePost.Core.Wire;

namespace ePost.Post.Wire;

/// <summary>Marker of every POST message between nodes and every POST event in the local journal; bound to <see cref="PostSerializer"/> in <c>hocon/post.conf</c>.</summary>
public interface IPostMessage : IWireMessage;

/// <summary>
/// Sent directly to the node that announced presence for <paramref name="Recipient"/>: a notification for them waits
/// in the ring under <paramref name="NotificationId"/>. Only a hint: the receiver fetches and verifies the
/// notification itself, so a forged hint costs one lookup.
/// </summary>
public sealed record NotificationWaiting(string Recipient, RingId NotificationId) : IPostMessage;

/// <summary>
/// Sent directly by one of <paramref name="User"/>'s devices to the user's other online devices (from the presence
/// list): the sender pushed new records of some of the user's logs to the ring. <paramref name="Hint"/> is a signed
/// <see cref="Mailbox.LogHint"/>; the receiver checks the signature and the sending peer, ignores heads it already
/// holds, and reads the others from the ring (never from the hint).
/// </summary>
public sealed record LogsChanged(string User, byte[] Hint) : IPostMessage;

/// <summary>
/// Journal event of a user's node: entry <paramref name="Seq"/> of the log <paramref name="Label"/> was written.
/// Both fields are the ring's own encrypted forms (the entry block's data and the signed head's encoding), so the
/// owner's local journal holds no more plaintext than the ring does.
/// </summary>
public sealed record LogAppended(string Label, long Seq, byte[] EntryBlock, byte[] Head) : IPostMessage;

/// <summary>
/// Journal event of a user's node: these objects of the mailbox are archived in Glacier, in <paramref name="Containers"/>
/// (each <see cref="Storage.Glacier.ContainerRef.ToBytes"/>), and the user's archive index now lists them.
/// <paramref name="Objects"/> are immutable blocks (log entries, manifests, message blocks); <paramref name="Heads"/>
/// are log heads at the sequence numbers <paramref name="HeadSeqs"/> (same order). With <paramref name="Replaces"/>
/// this was a full pass: it replaces everything recorded before (whose containers the index no longer names).
/// </summary>
public sealed record ArchiveRecorded(bool Replaces, IReadOnlyList<RingId> Objects, IReadOnlyList<RingId> Heads, IReadOnlyList<long> HeadSeqs,
    IReadOnlyList<byte[]> Containers) : IPostMessage;

/// <summary>The POST wire and journal vocabulary.</summary>
public sealed class PostSerializer(Akka.Actor.ExtendedActorSystem system) : WireSerializer(system, Protocol)
{
    /// <summary>Serializer id 1003 and the manifests; never reuse or renumber a manifest.</summary>
    public static readonly WireProtocol Protocol = new WireProtocol(1003, "post")
        .Add<NotificationWaiting>("nwait")
        .Add<LogsChanged>("logchg")
        .Add<LogAppended>("logapp")
        .Add<ArchiveRecorded>("archrec");
}
