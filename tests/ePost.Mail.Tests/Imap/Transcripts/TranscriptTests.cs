using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Transcripts;

public class TranscriptTests
{
    [Fact]
    public void Literals_of_every_kind_frame_into_commands() => Replay("literals.txt");

    [Fact]
    public void Errors_get_bad_or_no_and_limits_refuse_without_losing_the_connection_until_framing_is_lost() =>
        Replay("errors-and-limits.txt", new ImapLimits { MaxLineLength = 100, MaxLiteralSize = 10, MaxNestingDepth = 4 });

    [Fact]
    public void Starttls_discards_pipelined_plaintext_and_idle_reads_done_as_a_continuation() =>
        Replay("starttls-and-idle.txt");

    private static void Replay(string file, ImapLimits? limits = null)
    {
        var (expected, actual) = TranscriptRunner.Run(file, limits);
        Assert.Equal(expected, actual);
    }
}
