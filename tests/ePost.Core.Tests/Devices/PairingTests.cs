using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Core.Devices;
using ePost.Core.Time;

namespace ePost.Core.Tests.Devices;

public class PairingTests
{
    private const int MaxDevices = 3;
    private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
    private static readonly CertificateAuthority Ca = CertificateAuthority.Create(Random);
    private static readonly UserKeys Bob = Ca.IssueNewUser("bob@ring.test", 1, Random);

    private sealed class ManualClock : IMonotonicClock
    {
        public TimeSpan Elapsed { get; set; }
    }

    /// <summary>The issuing device: its desk and its current device list, changed only by a successful pairing.</summary>
    private sealed class Issuer
    {
        public ManualClock Clock { get; } = new();
        public PairingDesk Desk { get; }
        public DeviceList List { get; private set; } = DeviceList.Empty(Bob);

        public Issuer() => Desk = new PairingDesk(Clock, TimeSpan.FromMinutes(10), Random);

        public PairingOutcome Answer(byte[] hello) => Desk.Answer(hello, request =>
        {
            var (grant, next) = DeviceEnrollment.Admit(Bob, List, request, MaxDevices);
            List = next;
            return grant;
        });
    }

    private static PairingJoiner Joiner(PairingCode code, string name = "laptop", bool wantsUserKey = false) =>
        new(code, new PairingRequest(name, Ed25519.Generate(Random).PublicKey, X25519.Generate(Random).PublicKey, DeviceEntry.VerifierOf("pw-" + name), wantsUserKey), Random);

    [Fact]
    public void A_device_that_knows_the_code_gets_a_certificate_of_its_own_key_listed_in_the_signed_device_list_and_no_user_key()
    {
        var issuer = new Issuer();
        var code = issuer.Desk.Open();
        var joiner = Joiner(PairingCode.Parse(code.ToString().ToUpperInvariant()));
        var outcome = issuer.Answer(joiner.Hello);
        Assert.True(outcome.Accepted, outcome.Reason);
        var paired = joiner.Finish(outcome.Answer, Ca.PublicKey, MaxDevices);
        Assert.Equal(NodeCertificateKind.Device, paired.Certificate.Kind);
        Assert.Equal(paired.Device.NodeId, paired.Certificate.NodeId);
        Assert.Equal(issuer.List.Encode(), paired.List.Encode());
        Assert.Null(paired.List.Verify(Bob.Signing.PublicKey));
        Assert.Null(paired.Grant.UserKeyFile);
        Assert.True(NodeCertificate.Verify(Ca.PublicKey, paired.Certificate, MaxDevices).IsValid);
    }

    [Fact]
    public void A_wrong_code_fails_with_a_clear_message_and_changes_nothing()
    {
        var issuer = new Issuer();
        issuer.Desk.Open();
        var before = issuer.List.Encode();
        var joiner = Joiner(PairingCode.Generate(Random));
        var outcome = issuer.Answer(joiner.Hello);
        Assert.False(outcome.Accepted);
        Assert.Contains("does not match any open offer", outcome.Reason);
        var error = Assert.Throws<PairingException>(() => joiner.Finish(outcome.Answer, Ca.PublicKey, MaxDevices));
        Assert.Contains("refused: The pairing code does not match", error.Message);
        Assert.Equal(before, issuer.List.Encode());
        Assert.Equal(1, issuer.Desk.OpenOffers);
    }

    [Fact]
    public void A_reused_code_fails_with_a_clear_message_and_changes_nothing()
    {
        var issuer = new Issuer();
        var code = issuer.Desk.Open();
        Assert.True(issuer.Answer(Joiner(code).Hello).Accepted);
        var after = issuer.List.Encode();
        var second = issuer.Answer(Joiner(code, "phone").Hello);
        Assert.False(second.Accepted);
        Assert.Contains("already used", second.Reason);
        Assert.Equal(after, issuer.List.Encode());
    }

    [Fact]
    public void An_expired_code_fails_with_a_clear_message_and_changes_nothing()
    {
        var issuer = new Issuer();
        var code = issuer.Desk.Open();
        issuer.Clock.Elapsed = TimeSpan.FromMinutes(10.5);
        var before = issuer.List.Encode();
        var outcome = issuer.Answer(Joiner(code).Hello);
        Assert.False(outcome.Accepted);
        Assert.Contains("expired", outcome.Reason);
        Assert.Equal(before, issuer.List.Encode());
        Assert.Equal(0, issuer.Desk.OpenOffers);
    }

    [Fact]
    public void A_hello_whose_keys_were_swapped_in_transit_does_not_prove_the_code()
    {
        var issuer = new Issuer();
        var code = issuer.Desk.Open();
        var hello = Joiner(code).Hello;
        hello[60] ^= 1; // inside the request: an attacker substituting its own node key
        var outcome = issuer.Answer(hello);
        Assert.False(outcome.Accepted);
        Assert.Contains("does not prove knowledge", outcome.Reason);
        Assert.True(issuer.Answer(Joiner(code).Hello).Accepted);
    }

    [Fact]
    public void An_answer_from_a_side_that_does_not_know_the_code_is_refused_by_the_new_device()
    {
        var issuer = new Issuer();
        var code = issuer.Desk.Open();
        var joiner = Joiner(code);
        var impostor = new Issuer();
        var otherCode = impostor.Desk.Open();
        var outcome = issuer.Answer(joiner.Hello);
        var forged = impostor.Answer(Joiner(otherCode).Hello).Answer;
        var error = Assert.Throws<PairingException>(() => joiner.Finish(forged, Ca.PublicKey, MaxDevices));
        Assert.Contains("not your device", error.Message);
        Assert.True(outcome.Accepted);
    }

    [Fact]
    public void A_taken_name_is_refused_and_leaves_the_code_usable()
    {
        var issuer = new Issuer();
        Assert.True(issuer.Answer(Joiner(issuer.Desk.Open()).Hello).Accepted);
        var code = issuer.Desk.Open();
        var taken = issuer.Answer(Joiner(code).Hello);
        Assert.False(taken.Accepted);
        Assert.Contains("already has a device named 'laptop'", taken.Reason);
        Assert.True(issuer.Answer(Joiner(code, "phone").Hello).Accepted);
    }

    [Fact]
    public void Codes_carry_128_random_bits_and_read_back_from_their_text_and_uri()
    {
        var code = PairingCode.Generate(Random);
        Assert.Equal(26 + 6, code.ToString().Length);
        var uri = PairingUri.Parse(new PairingUri("127.0.0.1", 4100, code).ToString());
        Assert.Equal(4100, uri.Port);
        Assert.Equal(code.ToString(), uri.Code.ToString());
        Assert.Throws<PairingException>(() => PairingCode.Parse("not-a-code"));
        Assert.Throws<PairingException>(() => PairingUri.Parse("http://x/y"));
    }

    [Fact]
    public void Repeated_false_proofs_withdraw_the_code_with_a_clear_message()
    {
        var issuer = new Issuer();
        var code = issuer.Desk.Open();
        for (var i = 0; i < PairingDesk.MaxFailures; i++)
        {
            var hello = Joiner(code).Hello;
            hello[^1] ^= 1;
            Assert.Contains("does not prove knowledge", issuer.Answer(hello).Reason);
        }
        var honest = issuer.Answer(Joiner(code).Hello);
        Assert.False(honest.Accepted);
        Assert.Contains("withdrawn after repeated false proofs", honest.Reason);
        Assert.Equal(0, issuer.Desk.OpenOffers);
        Assert.Empty(issuer.List.Devices);
    }
}
