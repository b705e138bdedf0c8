using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Devices;

namespace ePost.Core.Tests.Devices;

public class DeviceListTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);
    private static readonly UserKeys Bob = Ca.IssueNewUser("bob@ring.test", 1, Random);

    private static DeviceList WithLaptop(DeviceList list, string name = "laptop") =>
        list.WithDevice(Bob, name, Ed25519.Generate(Random).PublicKey, X25519.Generate(Random).PublicKey, DeviceEntry.VerifierOf(name + "-password"));

    [Fact]
    public void A_list_signed_by_the_user_verifies_under_the_user_key_and_round_trips()
    {
        var list = WithLaptop(DeviceList.Empty(Bob));
        Assert.Null(list.Verify(Bob.Signing.PublicKey));
        Assert.Equal(2UL, list.Number);
        Assert.Equal(Bob.Certificate.UserId, list.UserId);
        var decoded = DeviceList.Decode(list.Encode());
        Assert.Equal(list.Encode(), decoded.Encode());
        Assert.Equal("laptop", decoded.Devices.Single().Name);
        Assert.Equal(0, decoded.Devices.Single().Index);
    }

    [Fact]
    public void A_list_altered_in_one_byte_or_signed_by_another_key_is_refused()
    {
        var encoded = WithLaptop(DeviceList.Empty(Bob)).Encode();
        encoded[^70] ^= 1;
        Assert.Contains("does not verify", DeviceList.Decode(encoded).Verify(Bob.Signing.PublicKey));
        var mallory = Ca.IssueNewUser("mallory@ring.test", 2, Random);
        Assert.Contains("another user key", WithLaptop(DeviceList.Empty(Bob)).Verify(mallory.Signing.PublicKey));
    }

    [Fact]
    public void A_revoked_device_is_no_longer_active_and_its_login_no_longer_matches()
    {
        var list = WithLaptop(WithLaptop(DeviceList.Empty(Bob)), "phone");
        var laptop = list.Find("laptop")!;
        Assert.True(list.IsActive(laptop.SigningKey));
        Assert.Equal(laptop, list.FindLogin("laptop-password"));
        var revoked = list.WithRevoked(Bob, "laptop");
        Assert.False(revoked.IsActive(laptop.SigningKey));
        Assert.Null(revoked.FindLogin("laptop-password"));
        Assert.Equal("phone", revoked.FindLogin("phone-password")!.Name);
        Assert.Null(revoked.CheckSuccessor(list));
    }

    [Fact]
    public void A_successor_may_not_change_an_earlier_device_or_go_back_in_number()
    {
        var two = WithLaptop(DeviceList.Empty(Bob));
        var three = two.WithRevoked(Bob, "laptop");
        Assert.Contains("not newer", two.CheckSuccessor(three));
        var forked = WithLaptop(WithLaptop(WithLaptop(DeviceList.Empty(Bob)), "x"), "y");
        Assert.Contains("changes", forked.CheckSuccessor(three));
    }

    [Fact]
    public void Names_and_keys_are_never_reused_and_indices_keep_counting_after_a_revocation()
    {
        var list = WithLaptop(DeviceList.Empty(Bob)).WithRevoked(Bob, "laptop");
        Assert.Throws<ArgumentException>(() => WithLaptop(list));
        var next = WithLaptop(list, "phone");
        Assert.Equal(1, next.Find("phone")!.Index);
        Assert.Throws<ArgumentException>(() => next.WithRevoked(Bob, "laptop"));
        Assert.Throws<ArgumentException>(() => next.WithRevoked(Bob, "tablet"));
        Assert.Throws<ArgumentException>(() => WithLaptop(list, "Bad Name"));
    }

    [Fact]
    public void Only_the_user_whose_list_it_is_can_sign_its_successor()
    {
        var mallory = Ca.IssueNewUser("mallory@ring.test", 3, Random);
        Assert.Throws<ArgumentException>(() => WithLaptop(DeviceList.Empty(Bob)).WithRevoked(mallory, "laptop"));
    }

    [Fact]
    public void Trailing_bytes_and_truncation_are_refused_by_the_decoder()
    {
        var encoded = WithLaptop(DeviceList.Empty(Bob)).Encode();
        Assert.Throws<FormatException>(() => DeviceList.Decode([.. encoded, 0]));
        Assert.Throws<FormatException>(() => DeviceList.Decode(encoded[..^1]));
        Assert.False(DeviceList.TryDecode(encoded[..20], out _, out var reason));
        Assert.NotEmpty(reason);
    }
}
