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

    /// <summary>30 000 octets 0..127 (a NUL every 128): a block of its own once base64-encoded, ASCII when decoded.</summary>
    private static readonly string Octets = new([.. Enumerable.Range(0, 30_000).Select(i => (char)(i % 128))]);

    private static readonly string WithAttachment =
        "From: a@b.test\r\nSubject: binary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"yy\"\r\n\r\n" +
        "--yy\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nx=3Dy=0D=0Asoft=\r\n break\r\n" +
        "--yy\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.ASCII.GetBytes(Octets), Base64FormattingOptions.InsertLineBreaks) + "\r\n" +
        "--yy\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n#86)C\r\n`\r\nend\r\n" +
        "--yy--\r\n";

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

    [Fact]
    public async Task Binary_over_post_decodes_parts_from_the_rings_blocks_sends_nul_bytes_as_literal8_and_refuses_uuencode()
    {
        await using var imap = await FolderWithAsync("BinaryParts", WithAttachment);
        Assert.Equal(["* 1 FETCH (BINARY.SIZE[1] 15 BINARY.SIZE[2] 30000 BINARY[1] {15}\\r\\nx=y\r\nsoft break)", "a4 OK FETCH completed"],
            await imap.CommandAsync("a4 FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[2] BINARY.PEEK[1])"));
        Assert.Equal([$"* 1 FETCH (BINARY[2] ~{{30000}}\\r\\n{Octets})", "a5 OK FETCH completed"],
            await imap.CommandAsync("a5 FETCH 1 (BINARY.PEEK[2])"));
        Assert.Equal([$"* 1 FETCH (BINARY[2]<20000> ~{{300}}\\r\\n{Octets[20000..20300]} BINARY[2]<29990> {{10}}\\r\\n{Octets[29990..]})", "a6 OK FETCH completed"],
            await imap.CommandAsync("a6 FETCH 1 (BINARY.PEEK[2]<20000.300> BINARY.PEEK[2]<29990.100>)"));
        var refused = await imap.CommandAsync("a7 FETCH 1 (UID BINARY.PEEK[3])");
        Assert.StartsWith("a7 NO [UNKNOWN-CTE]", Assert.Single(refused));
    }

    [Fact]
    public async Task A_literal8_append_over_post_keeps_its_nul_bytes_and_binary_returns_them_as_literal8()
    {
        const string message = "Subject: nul\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nx\0y\0z";
        await using var imap = await ImapWire.LoginAsync(ring.Endpoints, PostImapRing.Alice);
        Assert.StartsWith("a1 OK", (await imap.CommandAsync("a1 CREATE BinaryAppend"))[^1]);
        Assert.StartsWith("a2 OK", (await imap.CommandAsync($"a2 APPEND BinaryAppend ~{{{message.Length}+}}\r\n{message}"))[^1]);
        Assert.StartsWith("a3 OK", (await imap.CommandAsync("a3 EXAMINE BinaryAppend"))[^1]);
        Assert.Equal([$"* 1 FETCH (BINARY[1] ~{{5}}\\r\\nx\0y\0z BINARY.SIZE[1] 5 BODY[] {{{message.Length}}}\\r\\n{message})", "a4 OK FETCH completed"],
            await imap.CommandAsync("a4 FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1] BODY.PEEK[])"));
    }
}
