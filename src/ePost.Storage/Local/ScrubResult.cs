using ePost.Core.Ids;

namespace ePost.Storage.Local;

/// <summary>One bounded pass of re-verifying stored copies.</summary>
/// <param name="Checked">Rows read and verified.</param>
/// <param name="Dropped">Ids whose copies were corrupt and have been deleted: fetch them again.</param>
/// <param name="Next">Pass as <c>after</c> to continue; null when the pass reached the end of the id space.</param>
public sealed record ScrubResult(int Checked, IReadOnlyList<RingId> Dropped, RingId? Next);
