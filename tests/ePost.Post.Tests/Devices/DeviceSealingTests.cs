using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Core.Ids;
using ePost.Post.Delivery;

namespace ePost.Post.Tests.Devices;

/// <summary>New mail is sealed for the user key and every device the recipient's device list names as active, so a revoked device's key opens none of it.</summary>
public class DeviceSealingTests
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);
    private static readonly UserKeys Alice = Ca.IssueNewUser("alice@ring.test", 1, Random);
    private static readonly UserKeys Bob = Ca.IssueNewUser("bob@ring.test", 2, Random);
    private readonly X25519KeyPair _laptop = X25519.Generate(Random);
    private readonly X25519KeyPair _phone = X25519.Generate(Random);
    private readonly DeviceList _listed;

    public DeviceSealingTests() =>
        _listed = DeviceList.Empty(Bob)
            .WithDevice(Bob, "laptop", Ed25519.Generate(Random).PublicKey, _laptop.PublicKey, DeviceEntry.VerifierOf("a"))
            .WithDevice(Bob, "phone", Ed25519.Generate(Random).PublicKey, _phone.PublicKey, DeviceEntry.VerifierOf("b"));

    private static byte[] Send(DeviceList list) =>
        new Notification("d-1", Alice.Certificate.Address, Bob.Certificate.Address, RingId.ForAddress("m"), new byte[32], 10)
            .Seal(Alice, Bob.Certificate, Random, list.Active.Select(d => d.EncryptionKey).ToList());

    [Fact]
    public void Every_active_device_and_the_user_key_open_mail_sealed_for_the_device_list()
    {
        var sealedBytes = Send(_listed);
        Assert.True(Notification.Open(sealedBytes, Bob).VerifySender(Alice.Certificate));
        Assert.Equal("d-1", Notification.Open(sealedBytes, Bob.Certificate.Address, _laptop).Notification.DeliveryId);
        Assert.Equal("d-1", Notification.Open(sealedBytes, Bob.Certificate.Address, _phone).Notification.DeliveryId);
    }

    [Fact]
    public void Mail_sent_after_a_revocation_cannot_be_opened_with_the_revoked_devices_key()
    {
        var sealedBytes = Send(_listed.WithRevoked(Bob, "laptop"));
        var error = Assert.Throws<CryptographicException>(() => Notification.Open(sealedBytes, Bob.Certificate.Address, _laptop));
        Assert.Contains("not sealed for this key", error.Message);
        Assert.Equal("d-1", Notification.Open(sealedBytes, Bob.Certificate.Address, _phone).Notification.DeliveryId);
        Assert.Equal("d-1", Notification.Open(sealedBytes, Bob).Notification.DeliveryId);
    }

    [Fact]
    public void A_notification_sealed_for_the_user_alone_keeps_its_old_layout_and_no_device_opens_it()
    {
        var sealedBytes = new Notification("d-2", Alice.Certificate.Address, Bob.Certificate.Address, RingId.ForAddress("m"), new byte[32], 10)
            .Seal(Alice, Bob.Certificate, Random);
        Assert.Equal(0, sealedBytes[0]);
        Assert.Throws<CryptographicException>(() => Notification.Open(sealedBytes, Bob.Certificate.Address, _phone));
        Assert.Equal("d-2", Notification.Open(sealedBytes, Bob).Notification.DeliveryId);
    }

    [Fact]
    public void A_head_sealed_with_the_device_list_carries_it_to_the_replicas_and_still_opens_for_the_owner()
    {
        var revoked = _listed.WithRevoked(Bob, "laptop");
        var key = Ring.LogHead.NewLogKey();
        var signed = new Ring.LogHead(Ring.LogHead.RootLabel, 3, null, 0, 0).Seal(Bob, key, Random, revoked);
        Assert.Equal(revoked.Number, signed.DeviceListNumber);
        Assert.True(Storage.Objects.ObjectValidator.Check(signed, int.MaxValue).IsAccepted);
        var book = new Storage.Objects.DeviceListBook();
        book.Learn(signed);
        Assert.Equal(revoked.Number, book.Newest(Bob.Signing.PublicKey)!.Number);
        Assert.Equal(3, Ring.LogHead.Open(signed, Bob, out var opened).Seq);
        Assert.Equal(key, opened);
    }
}
