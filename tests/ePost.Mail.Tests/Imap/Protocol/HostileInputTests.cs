using System.Text;
using ePost.Mail.Imap.Commands;
using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Tests.Imap.Protocol;

public class HostileInputTests
{
    private static readonly string[] Tokens =
    [
        "a", "UID", "FETCH", "SEARCH", "STORE", "APPEND", "LOGIN", "LIST", "SELECT", "1:*", "*", "0", "4294967296", "(", ")",
        "[", "]", "<", ">", ".", "\"", "\\", "{", "}", "{3}", "{2+}", "+FLAGS", "BODY[", "HEADER.FIELDS", "NOT", "OR",
        "CHARSET", "\u00e9", "&", "&AGE-", "%", "\t", " ", " ", " ", "\0", "\r", "~{1}", "NIL", "RETURN", "MIME", "1.2",
    ];

    [Fact]
    public void Random_token_soup_gets_an_answer_for_every_line_and_never_an_exception()
    {
        var random = new Random(20260101);
        var reader = new ImapCommandReader(new ImapLimits { MaxLiteralSize = 64, MaxDiscardedLiteralSize = 128 });
        var parser = new ImapCommandParser();
        int answered = 0;
        for (int i = 0; i < 5000 && !reader.IsClosed; i++)
        {
            var line = new StringBuilder(random.Next(2) == 0 ? "t" + i + " " : "");
            int count = random.Next(1, 12);
            for (int k = 0; k < count; k++) line.Append(Tokens[random.Next(Tokens.Length)]);
            reader.Append(Encoding.UTF8.GetBytes(line.Append("\r\n").ToString()));
            while (reader.TryRead(out var e))
            {
                if (e is ImapCommandFramed framed)
                {
                    var result = parser.Parse(framed.Frame);
                    Assert.True(result.IsSuccess || result.Error is not null);
                }
                answered++;
            }
        }
        Assert.True(answered > 1000, $"only {answered} events");
    }

    [Fact]
    public void Every_truncation_of_a_valid_command_parses_or_is_refused_never_throws()
    {
        const string wire = "a UID FETCH 1:5,7 (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (FROM \"TO\")]<0.100>) (CHANGEDSINCE 9)";
        for (int cut = 1; cut < wire.Length; cut++)
        {
            var result = new ImapCommandParser().Parse(wire[..cut]);
            Assert.True(result.IsSuccess || result.Error!.Status is ImapStatus.Bad or ImapStatus.No, wire[..cut]);
        }
        Assert.True(new ImapCommandParser().Parse(wire).IsSuccess);
    }
}
