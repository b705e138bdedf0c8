using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Messages;

namespace ePost.Post.Tests.Crypto;

/// <summary>Messages become convergent blocks along their MIME parts and come back byte for byte.</summary>
public class MessageCodecTests
{
    private static byte[] MessageWithAttachment(string subject, byte[] attachment)
    {
        var base64 = Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\r\n");
        var text = $"From: alice@ring.test\r\nTo: bob@ring.test\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n" +
                   "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
                   "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64 + "\r\n--b1--\r\n";
        return Encoding.ASCII.GetBytes(text);
    }

    private static async Task<byte[]> RoundTrip(EncodedMessage encoded)
    {
        var store = encoded.Blocks.ToDictionary(b => b.Id, b => b.Ciphertext);
        var manifest = MessageManifest.Decode(ConvergentEncryption.Decrypt(encoded.Manifest.Id, encoded.Manifest.Key, encoded.Manifest.Ciphertext));
        return await MessageCodec.AssembleAsync(manifest, id => Task.FromResult(store[id]));
    }

    [Fact]
    public async Task A_message_comes_back_byte_identical()
    {
        var attachment = new byte[300_000];
        new Random(1).NextBytes(attachment);
        var message = MessageWithAttachment("Report", attachment);
        var encoded = MessageCodec.Encode(message);
        Assert.Equal(message, await RoundTrip(encoded));
        Assert.Equal(message.Length, encoded.Size);
    }

    [Fact]
    public void The_same_attachment_in_two_messages_is_the_same_block()
    {
        var attachment = new byte[50_000];
        new Random(2).NextBytes(attachment);
        var first = MessageCodec.Encode(MessageWithAttachment("Original", attachment));
        var forwarded = MessageCodec.Encode(MessageWithAttachment("Fwd: Original", attachment));
        Assert.NotEqual(first.Manifest.Id, forwarded.Manifest.Id);
        Assert.Single(first.Blocks);
        Assert.Equal(first.Blocks[0].Id, Assert.Single(forwarded.Blocks).Id);
    }

    [Fact]
    public async Task A_huge_part_is_cut_into_blocks_below_the_object_limit()
    {
        var attachment = new byte[3_000_000];
        new Random(3).NextBytes(attachment);
        var message = MessageWithAttachment("Big", attachment);
        var encoded = MessageCodec.Encode(message);
        Assert.True(encoded.Blocks.Count >= 8);
        Assert.All(encoded.Blocks, b => Assert.True(b.Ciphertext.Length <= MessageCodec.MaxBlockBytes + 16));
        Assert.Equal(message, await RoundTrip(encoded));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a mime message at all, just bytes")]
    [InlineData("Subject: x\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n\r\nunterminated")]
    public async Task Odd_messages_still_come_back_exactly(string text)
    {
        var message = Encoding.UTF8.GetBytes(text);
        Assert.Equal(message, await RoundTrip(MessageCodec.Encode(message)));
    }

    [Fact]
    public async Task A_swapped_block_is_detected()
    {
        var attachment = new byte[20_000];
        new Random(4).NextBytes(attachment);
        var encoded = MessageCodec.Encode(MessageWithAttachment("x", attachment));
        var manifest = MessageManifest.Decode(ConvergentEncryption.Decrypt(encoded.Manifest.Id, encoded.Manifest.Key, encoded.Manifest.Ciphertext));
        var other = ConvergentEncryption.Encrypt(new byte[20_000]).Ciphertext;
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => MessageCodec.AssembleAsync(manifest, _ => Task.FromResult(other)));
    }

    [Fact]
    public void A_manifest_whose_pieces_do_not_add_up_is_refused()
    {
        var manifest = new MessageManifest(10, [new MessageSegment([1, 2, 3], default, null, 3)]).Encode();
        var e = Assert.Throws<FormatException>(() => MessageManifest.Decode(manifest));
        Assert.Contains("add up", e.Message);
        Assert.Throws<FormatException>(() => MessageManifest.Decode(manifest.AsSpan(0, manifest.Length - 1)));
        Assert.Throws<FormatException>(() => MessageManifest.Decode("EPMX"u8));
        _ = RingId.Zero;
    }
}
