using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Post.Mailbox;

namespace ePost.Post.Tests.Crypto;

/// <summary>The hint one device sends the user's other devices: signed, bounded, and read back exactly.</summary>
public class LogHintTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private readonly UserKeys bob = CertificateAuthority.Create(Random).IssueNewUser("bob@ring.test", 1, Random);
    private static readonly RingId Desktop = RingId.ForAddress("desktop");

    private static HintedHead Head(int i) => new($"folder/{i:x16}", 10 + i, RingId.ForAddress($"entry {i}"));

    [Fact]
    public void A_hint_opens_to_what_was_signed_and_names_its_signer()
    {
        var encoded = LogHint.Sign(bob.Signing, "bob@ring.test", Desktop, [Head(1), new HintedHead("root", 3, RingId.ForAddress("root entry"))]);
        var hint = LogHint.Open(encoded);
        Assert.Equal(bob.Signing.PublicKey, hint.SignerKey);
        Assert.Equal("bob@ring.test", hint.User);
        Assert.Equal(Desktop, hint.Sender);
        Assert.Equal([Head(1), new HintedHead("root", 3, RingId.ForAddress("root entry"))], hint.Heads);
    }

    [Fact]
    public void A_hint_changed_in_any_byte_is_refused()
    {
        var encoded = LogHint.Sign(bob.Signing, "bob@ring.test", Desktop, [Head(1)]);
        for (var i = 0; i < encoded.Length; i++)
        {
            var changed = (byte[])encoded.Clone();
            changed[i] ^= 0x01;
            Assert.Throws<FormatException>(() => LogHint.Open(changed));
        }
    }

    [Fact]
    public void Hints_are_bounded_in_logs_and_bytes()
    {
        Assert.Throws<ArgumentException>(() => LogHint.Sign(bob.Signing, "bob@ring.test", Desktop, []));
        Assert.Throws<ArgumentException>(() => LogHint.Sign(bob.Signing, "bob@ring.test", Desktop, Enumerable.Range(0, LogHint.MaxHeads + 1).Select(Head).ToList()));
        var largest = LogHint.Sign(bob.Signing, "bob@ring.test", Desktop, Enumerable.Range(0, LogHint.MaxHeads).Select(Head).ToList());
        Assert.True(largest.Length <= LogHint.MaxBytes);
        Assert.Throws<FormatException>(() => LogHint.Open(new byte[LogHint.MaxBytes + 1]));
        Assert.Throws<FormatException>(() => LogHint.Open(new byte[10]));
    }
}
