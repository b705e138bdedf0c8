using System.Text;
using ePost.Mail.Sessions;

namespace ePost.Mail.Tests.Sessions;

public sealed class LineFramerTests
{
    private static List<FramedLine> Drain(LineFramer framer, int max = 100)
    {
        var lines = new List<FramedLine>();
        while (framer.TryReadLine(max, out var line)) lines.Add(line);
        return lines;
    }

    [Fact]
    public void Lines_split_across_chunks_come_out_whole()
    {
        var framer = new LineFramer();
        framer.Append("HEL"u8);
        Assert.Empty(Drain(framer));
        framer.Append("O a\r\nNOOP\r\nQU"u8);
        var lines = Drain(framer);
        Assert.Equal(["HELO a", "NOOP"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.True(l.IsClean));
        Assert.Equal(2, framer.Buffered);
    }

    [Fact]
    public void Bare_lf_and_bare_cr_are_reported_not_hidden()
    {
        var framer = new LineFramer();
        framer.Append("one\ntwo\rthree\r\n"u8);
        var lines = Drain(framer);
        Assert.Equal(LineTerminator.BareLf, lines[0].Terminator);
        Assert.False(lines[0].HasBareCr);
        Assert.Equal(LineTerminator.CrLf, lines[1].Terminator);
        Assert.True(lines[1].HasBareCr);
        Assert.False(lines[1].IsClean);
    }

    [Fact]
    public void An_overlong_line_yields_one_event_and_its_rest_is_discarded()
    {
        var framer = new LineFramer();
        framer.Append(Encoding.ASCII.GetBytes(new string('x', 30)));
        Assert.True(framer.TryReadLine(10, out var first));
        Assert.Equal(LineTerminator.TooLong, first.Terminator);
        Assert.Equal(0, framer.Buffered);
        framer.Append(Encoding.ASCII.GetBytes(new string('y', 30) + "\r\nNEXT\r\n"));
        var lines = Drain(framer, 10);
        Assert.Equal(["NEXT"], lines.Select(l => l.Text));
    }

    [Fact]
    public void The_limit_counts_the_crlf()
    {
        var framer = new LineFramer();
        framer.Append("12345678\r\n123456789\r\n"u8);
        Assert.True(framer.TryReadLine(10, out var fits));
        Assert.Equal("12345678", fits.Text);
        Assert.True(framer.TryReadLine(10, out var over));
        Assert.Equal(LineTerminator.TooLong, over.Terminator);
    }

    [Fact]
    public void Clear_drops_everything_buffered()
    {
        var framer = new LineFramer();
        framer.Append("STARTTLS\r\nMAIL FROM:<a@b>\r\n"u8);
        Assert.True(framer.TryReadLine(100, out _));
        framer.Clear();
        Assert.False(framer.TryReadLine(100, out _));
        Assert.Equal(0, framer.Buffered);
    }

    [Fact]
    public void Memory_stays_bounded_under_a_flood_without_line_ends()
    {
        var framer = new LineFramer();
        var chunk = new byte[4096];
        Array.Fill(chunk, (byte)'z');
        var events = 0;
        for (var i = 0; i < 1000; i++)
        {
            framer.Append(chunk);
            while (framer.TryReadLine(1000, out _)) events++;
            Assert.True(framer.Buffered <= 4096);
        }
        Assert.Equal(1, events);
    }
}
