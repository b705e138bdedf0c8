using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap.Mailbox;

/// <summary>A message whose flags changed, under its sequence number after this update's expunges.</summary>
public readonly record struct FlagUpdate(uint SequenceNumber, MailboxEntry Entry);

/// <summary>
/// What a session must tell its client after <see cref="SelectedMailboxView.Synchronize"/>, in this order:
/// EXPUNGE (highest number first, so every number is valid when sent), EXISTS, RECENT, FETCH FLAGS.
/// </summary>
public sealed record MailboxUpdate(
    IReadOnlyList<uint> Expunged,
    uint? Exists,
    uint? Recent,
    IReadOnlyList<FlagUpdate> FlagChanges)
{
    /// <summary>The UIDs of the expunged messages, for VANISHED once QRESYNC is enabled (RFC 7162 §3.2.10).</summary>
    public IReadOnlyList<uint> ExpungedUids { get; init; } = [];

    /// <summary>True when there is nothing to tell.</summary>
    public bool IsEmpty => Expunged.Count == 0 && Exists is null && FlagChanges.Count == 0;

    /// <summary>Writes the untagged responses; UID and MODSEQ are added to FETCH when the client asked for them.</summary>
    /// <remarks>With <paramref name="vanished"/> (QRESYNC enabled) expunges are one "* VANISHED uid-set" instead of EXPUNGEs.</remarks>
    public void WriteTo(ImapResponseWriter writer, SelectedMailboxView view, bool includeUid, bool includeModSeq, bool vanished = false)
    {
        if (vanished && ExpungedUids.Count > 0) writer.Untagged($"VANISHED {Sequences.SequenceSet.FromNumbers(ExpungedUids)}");
        else foreach (uint number in Expunged) writer.Untagged($"{number} EXPUNGE");
        if (Exists is { } exists) writer.Untagged($"{exists} EXISTS");
        if (Recent is { } recent) writer.Untagged($"{recent} RECENT");
        foreach (var change in FlagChanges)
        {
            writer.Raw("* ").Number(change.SequenceNumber).Raw(" FETCH (FLAGS ").FlagList(view.FlagsOf(change.Entry));
            if (includeUid) writer.Raw(" UID ").Number(change.Entry.Uid);
            if (includeModSeq) writer.Raw(" MODSEQ (").Number(change.Entry.ModSeq).Raw(")");
            writer.Raw(")").EndLine();
        }
    }
}
