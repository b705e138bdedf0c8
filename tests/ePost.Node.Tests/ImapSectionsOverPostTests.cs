using System.Text;

namespace ePost.Node.Tests;

/// <summary>
/// BODY[section] over POST: section bytes are cut from the message exactly as the ring gives it back (a 20 KB part is
/// a block of its own, the rest inline in the manifest), and always sent as literals, so a client reading a section by
/// its announced length gets every byte of a short part too.
/// </summary>
[Collection(HeavyTests.Name)]
public sealed class ImapSectionsOverPostTests(PostImapRing ring) : IClassFixture<PostImapRing>
{
    private static readonly string Csv = Convert.ToBase64String("a,b\r\n1,2\r\n3,4\r\n5,6"u8.ToArray());

    private static readonly string Big =
        string.Concat(Enumerable.Repeat("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef\r\n", 256))[..^2];

    private static readonly string Mixed =
        "From: a@b.test\r\nSubject: mixed\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n" +
        "--xx\r\nContent-Type: text/plain\r\n\r\n22 bytes of plain text\r\n" +
        "--xx\r\nContent-Type: application/octet-stream\r\n\r\n" + Big + "\r\n" +
        "--xx\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Csv + "\r\n" +
        "--xx\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n" +
        "--xx--\r\n";

    private async Task<ImapWire> FolderWithAsync(string folder, string message)
    {
        var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.StartsWith("a1 OK", (await imap.CommandAsync($"a1 CREATE {folder}"))[^1]);
        Assert.StartsWith("a2 OK", (await imap.CommandAsync($"a2 APPEND {folder} {{{Encoding.ASCII.GetByteCount(message)}+}}\r\n{message}"))[^1]);
        Assert.StartsWith("a3 OK", (await imap.CommandAsync($"a3 EXAMINE {folder}"))[^1]);
        return imap;
    }

    [Fact]
    public async Task Text_of_a_body_without_a_final_crlf_is_all_sixteen_bytes()
    {
        await using var imap = await FolderWithAsync("NoFinalNewline", "Subject: no newline\r\n\r\nno final newline");
        Assert.Equal(["* 1 FETCH (BODY[TEXT] {16}\\r\\nno final newline RFC822.SIZE 39)", "a4 OK FETCH completed"],
            await imap.CommandAsync("a4 FETCH 1 (BODY.PEEK[TEXT] RFC822.SIZE)"));
        Assert.Equal(["* 1 FETCH (BODY[1] {16}\\r\\nno final newline BODY[TEXT]<9> {7}\\r\\nnewline)", "a5 OK FETCH completed"],
            await imap.CommandAsync("a5 FETCH 1 (BODY.PEEK[1] BODY.PEEK[TEXT]<9.100>)"));
    }

    [Fact]
    public async Task Every_part_of_a_multipart_message_comes_back_whole_small_parts_included()
    {
        await using var imap = await FolderWithAsync("MixedParts", Mixed);
        Assert.Equal(["* 1 FETCH (BODY[1] {22}\\r\\n22 bytes of plain text BODY[3] {24}\\r\\n" + Csv + ")", "a4 OK FETCH completed"],
            await imap.CommandAsync("a4 FETCH 1 (BODY.PEEK[1] BODY.PEEK[3])"));
        Assert.Equal(["* 1 FETCH (BINARY[3] {18}\\r\\na,b\r\n1,2\r\n3,4\r\n5,6)", "a5 OK FETCH completed"],
            await imap.CommandAsync("a5 FETCH 1 (BINARY.PEEK[3])"));
        Assert.Equal([$"* 1 FETCH (BODY[2] {{{Big.Length}}}\\r\\n{Big} BODY[4] {{28}}\\r\\nSubject: inner\r\n\r\ninner body)", "a6 OK FETCH completed"],
            await imap.CommandAsync("a6 FETCH 1 (BODY.PEEK[2] BODY.PEEK[4])"));
        var whole = await imap.CommandAsync("a7 FETCH 1 (BODY.PEEK[])");
        Assert.Equal($"* 1 FETCH (BODY[] {{{Mixed.Length}}}\\r\\n{Mixed})", whole[0]);
    }
}
