using System.Text;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Protocol;

public class CommandReaderTests
{
    private static List<ImapReaderEvent> Feed(ImapCommandReader reader, string text)
    {
        reader.Append(Encoding.UTF8.GetBytes(text));
        var events = new List<ImapReaderEvent>();
        while (reader.TryRead(out var e)) events.Add(e);
        return events;
    }

    private static string LineOf(ImapCommandFrame frame, int index) => Encoding.UTF8.GetString(frame.Lines[index]);

    [Fact]
    public void A_complete_line_is_framed_as_one_command_without_its_crlf()
    {
        var events = Feed(new ImapCommandReader(), "a1 NOOP\r\n");
        var frame = Assert.IsType<ImapCommandFramed>(Assert.Single(events)).Frame;
        Assert.Equal("a1 NOOP", LineOf(frame, 0));
        Assert.Empty(frame.Literals);
    }

    [Fact]
    public void Bytes_arriving_one_at_a_time_frame_the_same_command()
    {
        var reader = new ImapCommandReader();
        var events = new List<ImapReaderEvent>();
        foreach (char c in "a1 LOGIN {3}\r\nbob \"pw\"\r\n")
        {
            reader.Append([(byte)c]);
            while (reader.TryRead(out var e)) events.Add(e);
        }
        Assert.IsType<ImapContinuationNeeded>(events[0]);
        var frame = Assert.IsType<ImapCommandFramed>(events[1]).Frame;
        Assert.Equal(["a1 LOGIN {3}", " \"pw\""], frame.Lines.Select(l => Encoding.UTF8.GetString(l)));
        Assert.Equal("bob", Encoding.UTF8.GetString(frame.Literals[0]));
    }

    [Fact]
    public void Synchronizing_literal_asks_for_continuation_before_its_bytes_are_read()
    {
        var reader = new ImapCommandReader();
        var events = Feed(reader, "a APPEND INBOX {5}\r\n");
        Assert.Equal("Ready for literal data", Assert.IsType<ImapContinuationNeeded>(Assert.Single(events)).Text);
        events = Feed(reader, "hello\r\n");
        var frame = Assert.IsType<ImapCommandFramed>(Assert.Single(events)).Frame;
        Assert.Equal("hello", Encoding.UTF8.GetString(frame.Literals[0]));
        Assert.Equal("", LineOf(frame, 1));
    }

    [Fact]
    public void Non_synchronizing_literal_is_read_without_continuation()
    {
        var events = Feed(new ImapCommandReader(), "a LOGIN {3+}\r\nbob {2+}\r\npw\r\n");
        var frame = Assert.IsType<ImapCommandFramed>(Assert.Single(events)).Frame;
        Assert.Equal(["bob", "pw"], frame.Literals.Select(l => Encoding.UTF8.GetString(l)));
    }

    [Fact]
    public void Literal_bytes_may_contain_crlf_and_8bit_and_braces()
    {
        var events = Feed(new ImapCommandReader(), "a X {9+}\r\n\r\n{2}\r\n\u00e9\r\n");
        var frame = Assert.IsType<ImapCommandFramed>(Assert.Single(events)).Frame;
        Assert.Equal("\r\n{2}\r\n\u00e9", Encoding.UTF8.GetString(frame.Literals[0]));
    }

    [Fact]
    public void Zero_length_literal_is_allowed()
    {
        var events = Feed(new ImapCommandReader(), "a LOGIN {0+}\r\n pw\r\n");
        var frame = Assert.IsType<ImapCommandFramed>(Assert.Single(events)).Frame;
        Assert.Empty(frame.Literals[0]);
    }

    [Fact]
    public void Brace_inside_a_quoted_string_is_not_a_literal()
    {
        var events = Feed(new ImapCommandReader(), "a LOGIN bob \"{5}\"\r\n");
        Assert.IsType<ImapCommandFramed>(Assert.Single(events));
    }

    [Fact]
    public void Pipelined_commands_are_returned_one_at_a_time_in_order()
    {
        var events = Feed(new ImapCommandReader(), "a NOOP\r\nb CHECK\r\nc LOGOUT\r\n");
        Assert.Equal(["a NOOP", "b CHECK", "c LOGOUT"],
            events.Select(e => LineOf(((ImapCommandFramed)e).Frame, 0)));
    }

    [Fact]
    public void Bare_lf_ends_a_line_too()
    {
        var events = Feed(new ImapCommandReader(), "a NOOP\n");
        Assert.Equal("a NOOP", LineOf(((ImapCommandFramed)Assert.Single(events)).Frame, 0));
    }

    [Fact]
    public void Empty_line_gets_untagged_bad()
    {
        var events = Feed(new ImapCommandReader(), "\r\na NOOP\r\n");
        var rejected = Assert.IsType<ImapCommandRejected>(events[0]);
        Assert.Equal(("*", ImapStatus.Bad), (rejected.Tag, rejected.Status));
        Assert.IsType<ImapCommandFramed>(events[1]);
    }

    [Fact]
    public void Nul_byte_in_a_line_is_refused_with_tagged_bad()
    {
        var events = Feed(new ImapCommandReader(), "t1 NOOP\0x\r\nt2 NOOP\r\n");
        var rejected = Assert.IsType<ImapCommandRejected>(events[0]);
        Assert.Equal(("t1", ImapStatus.Bad, "NUL byte in command"), (rejected.Tag, rejected.Status, rejected.Text));
        Assert.IsType<ImapCommandFramed>(events[1]);
    }

    [Fact]
    public void Bare_cr_in_a_line_is_refused()
    {
        var events = Feed(new ImapCommandReader(), "t1 NOOP\rt2 NOOP\r\n");
        Assert.Equal("Bare CR in command", Assert.IsType<ImapCommandRejected>(Assert.Single(events)).Text);
    }

    [Fact]
    public void Line_longer_than_the_limit_closes_the_connection_without_waiting_for_its_end()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxLineLength = 100 });
        var events = Feed(reader, "a " + new string('x', 200));
        Assert.Equal("Line longer than 100 bytes", Assert.IsType<ImapConnectionClosing>(Assert.Single(events)).Text);
        Assert.True(reader.IsClosed);
        Assert.Empty(Feed(reader, "\r\nb NOOP\r\n"));
    }

    [Fact]
    public void Huge_synchronizing_literal_is_refused_before_continuation_and_without_allocating_it()
    {
        var reader = new ImapCommandReader();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var events = Feed(reader, "a APPEND INBOX {4000000000}\r\n");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var rejected = Assert.IsType<ImapCommandRejected>(Assert.Single(events));
        Assert.Equal(("a", ImapStatus.No, "TOOBIG"), (rejected.Tag, rejected.Status, rejected.Code));
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
        // the client never sends the literal; the next line is a new command
        Assert.IsType<ImapCommandFramed>(Assert.Single(Feed(reader, "b NOOP\r\n")));
    }

    [Fact]
    public void Oversize_non_synchronizing_literal_is_refused_and_its_bytes_skipped_unstored()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxLiteralSize = 10 });
        var events = Feed(reader, "a APPEND INBOX {20+}\r\n");
        var rejected = Assert.IsType<ImapCommandRejected>(Assert.Single(events));
        Assert.Equal(("a", ImapStatus.No, "TOOBIG"), (rejected.Tag, rejected.Status, rejected.Code));
        // the 20 bytes look like a command but are skipped, as is the rest of the refused command
        Assert.Empty(Feed(reader, "x LOGOUT\r\nx LOGOUT\r\n"));
        Assert.Empty(Feed(reader, " more {3+}\r\nabc\r\n"));
        var next = Assert.Single(Feed(reader, "b NOOP\r\n"));
        Assert.Equal("b NOOP", LineOf(((ImapCommandFramed)next).Frame, 0));
    }

    [Fact]
    public void Non_synchronizing_literal_too_large_even_to_skip_closes_the_connection()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxLiteralSize = 10, MaxDiscardedLiteralSize = 100 });
        var events = Feed(reader, "a APPEND INBOX {101+}\r\n");
        Assert.IsType<ImapCommandRejected>(events[0]);
        Assert.IsType<ImapConnectionClosing>(events[1]);
        Assert.True(reader.IsClosed);
    }

    [Fact]
    public void Literal_announcement_with_too_many_digits_is_not_a_literal()
    {
        Assert.Equal(-1, LiteralAnnouncement.Parse("a {99999999999999999999}"u8).Size);
        Assert.Equal(-1, LiteralAnnouncement.Parse("a {}"u8).Size);
        Assert.Equal(-1, LiteralAnnouncement.Parse("a {1a}"u8).Size);
        Assert.Equal((12L, false), LiteralAnnouncement.Parse("a {12+}"u8));
    }

    [Fact]
    public void Literals_adding_up_past_the_command_limit_are_refused()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxLiteralSize = 100, MaxCommandSize = 150 });
        var events = Feed(reader, "a X {100+}\r\n" + new string('y', 100) + " {100}\r\n");
        Assert.Equal("TOOBIG", Assert.IsType<ImapCommandRejected>(Assert.Single(events)).Code);
        Assert.IsType<ImapCommandFramed>(Assert.Single(Feed(reader, "b NOOP\r\n")));
    }

    [Fact]
    public void Lists_nested_past_the_limit_are_refused_with_bad()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxNestingDepth = 3 });
        var events = Feed(reader, "a SEARCH ((((ALL))))\r\nb SEARCH (((ALL)))\r\n");
        var rejected = Assert.IsType<ImapCommandRejected>(events[0]);
        Assert.Equal(("a", ImapStatus.Bad), (rejected.Tag, rejected.Status));
        Assert.IsType<ImapCommandFramed>(events[1]);
    }

    [Fact]
    public void Nesting_is_counted_across_literal_lines()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxNestingDepth = 2 });
        var events = Feed(reader, "a SEARCH ((FROM {1+}\r\nx (ALL)))\r\n");
        Assert.IsType<ImapCommandRejected>(Assert.Single(events));
    }

    [Fact]
    public void Refused_command_with_a_synchronizing_literal_ends_at_that_line()
    {
        var reader = new ImapCommandReader(new ImapLimits { MaxNestingDepth = 1 });
        var events = Feed(reader, "a SEARCH ((X)) {3}\r\nb NOOP\r\n");
        Assert.IsType<ImapCommandRejected>(events[0]);
        Assert.IsType<ImapCommandFramed>(events[1]);
    }

    [Fact]
    public void Invalid_tag_is_answered_untagged()
    {
        var events = Feed(new ImapCommandReader(), "a+b APPEND x {1000000000}\r\n");
        Assert.Equal("*", Assert.IsType<ImapCommandRejected>(Assert.Single(events)).Tag);
    }

    [Fact]
    public void Discarding_after_starttls_drops_pipelined_plaintext()
    {
        var reader = new ImapCommandReader();
        reader.Append("a STARTTLS\r\nb LOGIN evil pw\r\nc DEL"u8);
        Assert.True(reader.TryRead(out var first));
        Assert.IsType<ImapCommandFramed>(first);
        int dropped = reader.DiscardBuffered();
        Assert.Equal("b LOGIN evil pw\r\nc DEL".Length, dropped);
        Assert.False(reader.TryRead(out _));
        Assert.IsType<ImapCommandFramed>(Assert.Single(Feed(reader, "d NOOP\r\n")));
    }

    [Fact]
    public void Continuation_line_is_delivered_raw_when_the_session_expects_one()
    {
        var reader = new ImapCommandReader();
        reader.Append("a IDLE\r\nDONE\r\nb NOOP\r\n"u8);
        Assert.True(reader.TryRead(out var idle));
        Assert.IsType<ImapCommandFramed>(idle);
        reader.ExpectContinuationLine();
        Assert.True(reader.TryRead(out var done));
        Assert.Equal("DONE", Assert.IsType<ImapContinuationLine>(done).Line);
        Assert.True(reader.TryRead(out var noop));
        Assert.IsType<ImapCommandFramed>(noop);
    }

    [Fact]
    public void Literal_buffer_grows_with_received_bytes_not_with_the_announcement()
    {
        var reader = new ImapCommandReader();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(reader, "a APPEND INBOX {40000000}\r\n");
        Feed(reader, "Subject: x\r\n\r\n");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for 14 received");
    }
}
