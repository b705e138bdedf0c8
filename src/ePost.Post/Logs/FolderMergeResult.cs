namespace ePost.Post.Logs;

/// <summary>The outcome of merging a forked folder log: the merged state and the local UIDs that had to change.</summary>
/// <param name="State">The merged folder state.</param>
/// <param name="Renumbered">Local-branch inserts that got a fresh UID, as (UID on the local branch, UID after the merge).</param>
/// <remarks>
/// A client that talked to the local side may have cached a renumbered UID, which now names another message under the
/// same UIDVALIDITY; when <paramref name="Renumbered"/> is not empty the caller gives the folder a new UIDVALIDITY
/// (see docs/decisions.md, "Folder and root log merge").
/// </remarks>
public sealed record FolderMergeResult(FolderLogState State, IReadOnlyList<(uint LocalUid, uint MergedUid)> Renumbered);
