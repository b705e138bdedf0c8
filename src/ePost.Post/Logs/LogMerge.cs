namespace ePost.Post.Logs;

/// <summary>Merges a forked log: both sides of a network partition continued the same log from a common ancestor record.</summary>
/// <remarks>
/// The rule of the design is that no mail is lost: every insert of both branches survives, and the destructive
/// operations that could throw away what the other side did are cancelled. The ring branch (the head found in the ring)
/// is taken as the main line and applies fully; the local branch (what this node wrote while cut off) is replayed on top.
/// The merge is pure; the writer stores its result as a snapshot record whose Previous is the ring head and whose
/// MergedFrom is the local head. The full rules are in docs/decisions.md, "Folder and root log merge".
/// </remarks>
public static class LogMerge
{
    /// <summary>The folder state after merging <paramref name="localBranch"/> into <paramref name="ringBranch"/>, both continuing <paramref name="ancestor"/>.</summary>
    /// <remarks>
    /// Ring branch: applied as is. Local branch, in order: an insert of mail the ring side holds or filed (same delivery
    /// id, or same message reference and internal date) is dropped; any other insert is kept, under its own UID if that
    /// is at least the merged UIDNEXT, else under the next free UID; a delete is cancelled unless it removes mail inserted
    /// on the local branch itself; a flag change applies what it added and removed (against the local side's view) to the
    /// message if it still exists. Changes get ModSeqs above anything either side had given out.
    /// </remarks>
    /// <exception cref="LogFormatException">A branch is not a valid continuation of the ancestor.</exception>
    public static FolderLogState MergeFolder(FolderLogState ancestor, IReadOnlyList<LogRecord> ringBranch, IReadOnlyList<LogRecord> localBranch) =>
        FolderMerge.Merge(ancestor, ringBranch, localBranch).State;

    /// <summary>As <see cref="MergeFolder"/>, also reporting which local UIDs were renumbered.</summary>
    public static FolderMergeResult MergeFolderDetailed(FolderLogState ancestor, IReadOnlyList<LogRecord> ringBranch, IReadOnlyList<LogRecord> localBranch) =>
        FolderMerge.Merge(ancestor, ringBranch, localBranch);

    /// <summary>The root state after merging <paramref name="localBranch"/> into <paramref name="ringBranch"/>, both continuing <paramref name="ancestor"/>.</summary>
    /// <remarks>
    /// Folders created on either side are kept (a name taken meanwhile gets a suffix, "Name (2)"); a rename of the ring
    /// branch wins over one of the local branch for the same folder; a delete of a folder that existed at the fork is
    /// cancelled unless both sides deleted it; subscriptions are the union of both sides'.
    /// </remarks>
    /// <exception cref="LogFormatException">A branch is not a valid continuation, or both created one folder id differently.</exception>
    public static RootLogState MergeRoot(RootLogState ancestor, IReadOnlyList<LogRecord> ringBranch, IReadOnlyList<LogRecord> localBranch) =>
        RootMerge.Merge(ancestor, ringBranch, localBranch);
}
