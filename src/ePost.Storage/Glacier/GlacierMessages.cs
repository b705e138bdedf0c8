using ePost.Core.Ids;
using ePost.Core.Wire;
using ePost.Storage.Wire;

namespace ePost.Storage.Glacier;

/// <summary>Marker of every message Glacier nodes exchange; bound to <see cref="GlacierSerializer"/> in <c>hocon/storage.conf</c>.</summary>
public interface IGlacierMessage : IWireMessage;

/// <summary>
/// One chunk of a <see cref="FragmentTransfer"/> (purpose <see cref="TransferPurpose.Fragment"/>, or
/// <see cref="TransferPurpose.FragmentFetched"/> for an answer to a fetch): fragments move in
/// the same digest-checked chunks as objects, under Akka.Remote's frame limit. <c>LeaseMs</c> is a duration.
/// </summary>
public sealed record FragmentChunk(ObjectChunk Chunk) : IGlacierMessage;

/// <summary>A holder's answer to a fragment store: whether it now holds fragment <paramref name="Index"/> durably.</summary>
public sealed record FragmentStored(RequestId Op, RingId Container, int Index, bool Held, string Message) : IGlacierMessage;

/// <summary>
/// Asks the root of a fragment position about fragment <paramref name="Index"/>: with <paramref name="Fetch"/> for
/// its bytes (answered with a transfer, or a <see cref="FragmentAnswer"/> when not held), else only whether it
/// holds a verified copy (maintenance probes).
/// </summary>
public sealed record FragmentQuery(RequestId Op, RingId Container, int Index, bool Fetch) : IGlacierMessage;

/// <summary>Whether the asked node holds a verified copy of the fragment.</summary>
public sealed record FragmentAnswer(RequestId Op, RingId Container, int Index, bool Held, string Message) : IGlacierMessage;

/// <summary>
/// A renewal for the root of fragment <paramref name="Index"/>'s position: a newer manifest version by the same
/// writer with the same digests and a new lease. The holder extends its copy and answers with
/// <see cref="FragmentStored"/>; a node without the fragment answers not held, and gets the whole fragment next.
/// </summary>
public sealed record FragmentRenewal(RequestId Op, int Index, byte[] Manifest) : IGlacierMessage;
