using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Storage.Local;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Storage.Tests.Objects;

/// <summary>The two POST object kinds: certificates published under a user's id, and notifications waiting near it.</summary>
public class CertificateAndNotificationTests : IDisposable
{
    private const int Limit = 64 * 1024;
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private readonly CertificateAuthority ca = CertificateAuthority.Create(Random);
    private readonly string directory = Directory.CreateTempSubdirectory("epost-certs-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static T RoundTrip<T>(T value) where T : StoredObject => (T)ObjectCodec.Decode(value.Encode(), Limit);

    [Fact]
    public void A_published_certificate_lives_under_its_users_id_and_survives_the_codec()
    {
        var keys = ca.IssueNewUser("Bob@Ring.Test", 1, Random);
        var published = CertificateObject.Publish(keys.Certificate);
        Assert.Equal(RingId.ForAddress("bob@ring.test"), published.Id);
        var decoded = RoundTrip(published);
        Assert.True(ObjectValidator.Check(decoded, Limit).IsAccepted);
        Assert.Equal("bob@ring.test", UserCertificate.FromPublished(decoded.EncodedCertificate.Span, "BOB@ring.test").Address);
        // What the ring stores names the user only by id: no node that stores it learns the address.
        Assert.DoesNotContain("bob@ring.test", System.Text.Encoding.ASCII.GetString(published.Encode()));
    }

    [Fact]
    public void A_certificate_published_under_another_users_id_is_refused()
    {
        var keys = ca.IssueNewUser("bob@ring.test", 1, Random);
        var misplaced = new CertificateObject(RingId.ForAddress("alice@ring.test"), keys.Certificate.PublishedForm());
        Assert.Equal(RefusalReason.BadCertificate, ObjectValidator.Check(misplaced, Limit).Reason);
    }

    [Fact]
    public void A_certificate_with_an_altered_byte_is_refused_as_forged()
    {
        var bytes = ca.IssueNewUser("bob@ring.test", 1, Random).Certificate.PublishedForm();
        bytes[^70] ^= 1; // inside the encryption key
        var forged = new CertificateObject(RingId.ForAddress("bob@ring.test"), bytes);
        var result = ObjectValidator.Check(forged, Limit);
        Assert.Equal(RefusalReason.BadCertificate, result.Reason);
        Assert.Contains("forged", result.Message);
    }

    [Fact]
    public void A_node_stores_only_certificates_of_its_rings_ca()
    {
        var stranger = CertificateAuthority.Create(Random);
        var settings = new ObjectStoreSettings(Limit, 1 << 20) { TrustedIssuer = ca.PublicKey };
        using var store = SqliteObjectStore.Open(directory, settings);
        var expiry = new LeaseInstant(1_000_000);
        var ours = store.Put(CertificateObject.Publish(ca.IssueNewUser("bob@ring.test", 1, Random).Certificate), expiry);
        var theirs = store.Put(CertificateObject.Publish(stranger.IssueNewUser("eve@ring.test", 1, Random).Certificate), expiry);
        Assert.Equal(PutOutcome.Stored, ours.Outcome);
        Assert.Equal(PutOutcome.Refused, theirs.Outcome);
        Assert.Equal(RefusalReason.BadCertificate, theirs.Reason);
        Assert.Contains("not issued by this ring's CA", theirs.Message);
    }

    [Fact]
    public void A_higher_serial_replaces_a_certificate_and_a_lower_one_is_refused()
    {
        var first = CertificateObject.Publish(ca.IssueNewUser("bob@ring.test", 1, Random).Certificate);
        var second = CertificateObject.Publish(ca.IssueNewUser("bob@ring.test", 2, Random).Certificate);
        Assert.True(ObjectValidator.CheckReplacement(second, first).IsAccepted);
        Assert.Equal(RefusalReason.StaleVersion, ObjectValidator.CheckReplacement(first, second).Reason);
        Assert.Same(second, ObjectValidator.SelectNewestOfAnyKind(first.Id, [first, second], Limit));
    }

    [Fact]
    public void A_notification_sits_in_its_recipients_arc_and_survives_the_codec()
    {
        var bob = Ed25519.Generate(Random);
        var bobId = RingId.ForAddress("bob@ring.test");
        var note = NotificationObject.Deposit(bobId, bob.PublicKey, "sealed bytes"u8);
        var (first, last) = NotificationObject.ArcOf(bobId);
        Assert.True(note.Id >= first && note.Id <= last);
        var decoded = RoundTrip(note);
        Assert.True(ObjectValidator.Check(decoded, Limit).IsAccepted);
        Assert.Equal("sealed bytes"u8.ToArray(), decoded.Body.ToArray());
    }

    [Fact]
    public void A_notification_whose_body_was_swapped_is_refused()
    {
        var bob = Ed25519.Generate(Random);
        var note = NotificationObject.Deposit(RingId.ForAddress("bob@ring.test"), bob.PublicKey, "sealed bytes"u8);
        var swapped = new NotificationObject(note.Id, note.RecipientKey, "other bytes"u8.ToArray(), ReadOnlyMemory<byte>.Empty);
        Assert.Equal(RefusalReason.BadNotification, ObjectValidator.Check(swapped, Limit).Reason);
    }

    [Fact]
    public void Only_the_recipient_withdraws_a_notification_and_it_does_not_come_back()
    {
        var bob = Ed25519.Generate(Random);
        var eve = Ed25519.Generate(Random);
        var note = NotificationObject.Deposit(RingId.ForAddress("bob@ring.test"), bob.PublicKey, "sealed bytes"u8);
        var withdrawn = RoundTrip(note.Withdraw(bob));
        Assert.True(withdrawn.IsWithdrawn);
        Assert.True(ObjectValidator.Check(withdrawn, Limit).IsAccepted);
        Assert.True(ObjectValidator.CheckReplacement(withdrawn, note).IsAccepted);
        Assert.Equal(RefusalReason.StaleVersion, ObjectValidator.CheckReplacement(note, withdrawn).Reason);
        Assert.Same(withdrawn, ObjectValidator.SelectNewestOfAnyKind(note.Id, [note, withdrawn], Limit));

        Assert.Throws<ArgumentException>(() => note.Withdraw(eve));
        var forgedSignature = new NotificationObject(note.Id, note.RecipientKey, ReadOnlyMemory<byte>.Empty, eve.Sign(new byte[8]));
        Assert.Equal(RefusalReason.BadNotification, ObjectValidator.Check(forgedSignature, Limit).Reason);
        // Eve's own key on Bob's id: valid by itself, but it cannot replace Bob's pending notification.
        var eveKeyed = new NotificationObject(note.Id, eve.PublicKey, ReadOnlyMemory<byte>.Empty, new byte[64]);
        Assert.Equal(RefusalReason.BadNotification, ObjectValidator.CheckReplacement(eveKeyed, note).Reason);
    }

    [Fact]
    public void A_notification_with_an_unknown_state_byte_is_malformed()
    {
        var bob = Ed25519.Generate(Random);
        var bytes = NotificationObject.Deposit(RingId.ForAddress("bob@ring.test"), bob.PublicKey, "x"u8).Encode();
        bytes[1 + RingId.ByteLength + Ed25519.PublicKeyLength] = 7;
        var ex = Assert.Throws<ObjectFormatException>(() => ObjectCodec.Decode(bytes, Limit));
        Assert.Equal(RefusalReason.Malformed, ex.Reason);
    }
}
