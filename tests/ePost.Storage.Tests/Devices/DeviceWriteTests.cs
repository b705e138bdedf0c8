using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Storage.Leases;
using ePost.Storage.Local;
using ePost.Storage.Objects;
using ePost.Storage.Tests.Support;

namespace ePost.Storage.Tests.Devices;

/// <summary>A storing node accepts a user's objects signed by the user key or by a device the newest device list it has verified names as active, and nothing else.</summary>
public sealed class DeviceWriteTests : IDisposable
{
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);
    private static readonly UserKeys Bob = Ca.IssueNewUser("bob@ring.test", 1, Random);
    private static readonly LeaseInstant Lease = new(1000);

    private readonly TempDataDirectory _dir = new();
    private readonly SqliteObjectStore _store;
    private readonly Ed25519KeyPair _laptop = Ed25519.Generate(Random);
    private readonly Ed25519KeyPair _phone = Ed25519.Generate(Random);
    private readonly DeviceList _listed;
    private readonly DeviceList _revoked;

    public DeviceWriteTests()
    {
        _store = SqliteObjectStore.Open(_dir.Path);
        _listed = Add(Add(DeviceList.Empty(Bob), "laptop", _laptop), "phone", _phone);
        _revoked = _listed.WithRevoked(Bob, "laptop");
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private static DeviceList Add(DeviceList list, string name, Ed25519KeyPair key) =>
        list.WithDevice(Bob, name, key.PublicKey, X25519.Generate(Random).PublicKey, DeviceEntry.VerifierOf(name));

    private static SignedObject ByDevice(Ed25519KeyPair device, ulong version, DeviceList list, string label = "root") =>
        SignedObject.CreateByDevice(device, Bob.Signing.PublicKey, label, version, [1, 2, (byte)version], list);

    [Fact]
    public void A_listed_device_writes_a_version_of_the_users_own_object_and_it_round_trips_through_the_codec()
    {
        var write = ByDevice(_laptop, 1, _listed);
        Assert.Equal(SignedObject.IdFor(Bob.Signing.PublicKey, "root"), write.Id);
        Assert.Equal(PutOutcome.Stored, _store.Put(write, Lease).Outcome);
        var read = Assert.IsType<SignedObject>(ObjectCodec.Decode(ObjectCodec.Encode(write), int.MaxValue));
        Assert.True(read.SignatureIsValid());
        Assert.Equal(_listed.Number, read.DeviceListNumber);
        Assert.Equal(PutOutcome.Updated, _store.Put(SignedObject.Create(Bob.Signing, "root", 2, [9]), Lease).Outcome);
    }

    [Fact]
    public void A_device_the_attached_list_does_not_name_or_names_as_revoked_is_refused()
    {
        var stranger = Ed25519.Generate(Random);
        var unlisted = _store.Put(ByDevice(stranger, 1, _listed), Lease);
        Assert.Equal(RefusalReason.DeviceNotAuthorized, unlisted.Reason);
        Assert.Contains("not one of the owner's devices", unlisted.Message);
        var revoked = _store.Put(ByDevice(_laptop, 1, _revoked), Lease);
        Assert.Equal(RefusalReason.DeviceNotAuthorized, revoked.Reason);
        Assert.Contains("revoked in device list", revoked.Message);
    }

    [Fact]
    public void A_revoked_device_attaching_its_older_list_is_refused_once_the_node_has_seen_the_revocation()
    {
        Assert.Equal(PutOutcome.Stored, _store.Put(ByDevice(_laptop, 1, _listed), Lease).Outcome);
        Assert.Equal(PutOutcome.Stored, _store.Put(SignedObject.Create(Bob.Signing, DeviceEndorsement.ListLabel, _revoked.Number, _revoked.Encode()), Lease).Outcome);
        var stale = _store.Put(ByDevice(_laptop, 2, _listed), Lease);
        Assert.Equal(RefusalReason.DeviceNotAuthorized, stale.Reason);
        Assert.Contains("revoked in device list 4", stale.Message);
        Assert.Equal(PutOutcome.Updated, _store.Put(ByDevice(_phone, 2, _listed), Lease).Outcome);
    }

    [Fact]
    public void A_held_copy_carrying_the_newer_list_refuses_a_revoked_device_even_on_a_node_that_never_saw_the_list_object()
    {
        Assert.Equal(PutOutcome.Stored, _store.Put(ByDevice(_phone, 1, _revoked), Lease).Outcome);
        using var dir = new TempDataDirectory();
        using var other = SqliteObjectStore.Open(dir.Path);
        Assert.Equal(PutOutcome.Stored, other.Put(ByDevice(_phone, 1, _revoked), Lease).Outcome);
        var other2 = other.Put(ByDevice(_laptop, 2, _listed, "root"), Lease);
        Assert.Equal(RefusalReason.DeviceNotAuthorized, other2.Reason);
    }

    [Fact]
    public void A_device_signature_over_another_list_number_or_payload_does_not_verify()
    {
        var write = ByDevice(_phone, 1, _listed);
        var swapped = new SignedObject(write.Id, write.OwnerKey, write.Label, write.Version, write.Payload, write.Signature,
            new DeviceEndorsement(_phone.PublicKey, _revoked.Encode()));
        Assert.Equal(RefusalReason.DeviceNotAuthorized, ObjectValidator.Check(swapped, int.MaxValue).Reason);
        var altered = new SignedObject(write.Id, write.OwnerKey, write.Label, write.Version, new byte[] { 7 }, write.Signature, write.Endorsement);
        Assert.Contains("device signature does not verify", ObjectValidator.Check(altered, int.MaxValue).Message);
    }

    [Fact]
    public void A_list_signed_by_someone_other_than_the_owner_authorizes_nobody()
    {
        var mallory = Ca.IssueNewUser("mallory@ring.test", 2, Random);
        var forgedList = DeviceList.Empty(mallory).WithDevice(mallory, "evil", _laptop.PublicKey, X25519.Generate(Random).PublicKey, DeviceEntry.VerifierOf("x"));
        var result = _store.Put(ByDevice(_laptop, 1, forgedList), Lease);
        Assert.Equal(RefusalReason.DeviceNotAuthorized, result.Reason);
        Assert.Contains("another user key", result.Message);
    }
}
