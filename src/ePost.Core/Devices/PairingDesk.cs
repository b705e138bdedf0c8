using System.Security.Cryptography;
using ePost.Core.Time;

namespace ePost.Core.Devices;

/// <summary>The result of one pairing attempt at the issuing device.</summary>
/// <param name="Accepted">True when a device was admitted.</param>
/// <param name="Reason">Why not (one sentence for the user), or the admitted device's name.</param>
/// <param name="Answer">The bytes to send back to the new device.</param>
/// <param name="Request">What the new device asked for, when the exchange got far enough to know.</param>
public sealed record PairingOutcome(bool Accepted, string Reason, byte[] Answer, PairingRequest? Request);

/// <summary>
/// The issuing device's open pairing offers: one-time codes that expire on this node's monotonic clock (no other
/// clock is consulted), and the check of a new device's hello against them (<see cref="PairingTranscript"/>).
/// </summary>
/// <remarks>
/// A code is spent by the first successful pairing; a spent or expired code is refused with its own message, and a
/// code of which more than <see cref="MaxFailures"/> wrong proofs arrived is withdrawn. A refused attempt changes no
/// device list and leaves the offer as it was. Not thread-safe: one owner (the <c>epost device add</c> session).
/// </remarks>
public sealed class PairingDesk(IMonotonicClock clock, TimeSpan lifetime, RandomNumberGenerator random)
{
    /// <summary>Most offers open at once.</summary>
    public const int MaxOpenOffers = 8;

    /// <summary>Wrong proofs for one offer before it is withdrawn.</summary>
    public const int MaxFailures = 5;

    private const int MaxSpent = 1024;

    private sealed class Offer(byte[] key, TimeSpan opened)
    {
        public byte[] Key { get; } = key;
        public TimeSpan Opened { get; } = opened;
        public int Failures { get; set; }
    }

    private readonly Dictionary<string, Offer> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _closed = new(StringComparer.Ordinal);

    /// <summary>How long a code lives.</summary>
    public TimeSpan Lifetime { get; } = lifetime > TimeSpan.Zero ? lifetime : throw new ArgumentOutOfRangeException(nameof(lifetime), "A pairing code lives a positive time.");

    /// <summary>Opens an offer and returns its code.</summary>
    /// <exception cref="PairingException">When <see cref="MaxOpenOffers"/> are open.</exception>
    public PairingCode Open()
    {
        ExpireOld();
        if (_open.Count >= MaxOpenOffers) throw new PairingException($"{MaxOpenOffers} pairing codes are already open on this device; use one or wait until they expire.");
        var code = PairingCode.Generate(random);
        _open[Convert.ToHexString(code.Tag)] = new Offer(code.Key, clock.Elapsed);
        return code;
    }

    /// <summary>How many offers are open.</summary>
    public int OpenOffers
    {
        get
        {
            ExpireOld();
            return _open.Count;
        }
    }

    /// <summary>
    /// Checks a new device's hello; when it proves the code of an open offer, calls <paramref name="admit"/> (which may
    /// refuse with a <see cref="PairingException"/>, leaving the offer open), spends the code and seals the grant.
    /// </summary>
    public PairingOutcome Answer(ReadOnlySpan<byte> hello, Func<PairingRequest, PairingGrant> admit)
    {
        ArgumentNullException.ThrowIfNull(admit);
        ExpireOld();
        if (hello.Length > PairingTranscript.MaxMessageLength) return Refuse("The pairing request is too large.", null);
        byte[][] fields;
        try
        {
            fields = PairingFrames.Split(hello, 4, "pairing request");
        }
        catch (PairingException e)
        {
            return Refuse(e.Message, null);
        }
        var (tag, nonce, requestBytes, proof) = (fields[0], fields[1], fields[2], fields[3]);
        var name = Convert.ToHexString(tag);
        if (_closed.TryGetValue(name, out var why)) return Refuse(why, null);
        if (tag.Length != 16 || nonce.Length != PairingTranscript.NonceLength || !_open.TryGetValue(name, out var offer))
            return Refuse("The pairing code does not match any open offer on this device: it was mistyped, or made on another device.", null);
        if (!CryptographicOperations.FixedTimeEquals(proof, PairingTranscript.JoinerProof(offer.Key, tag, nonce, requestBytes)))
        {
            if (++offer.Failures >= MaxFailures) Close(name, "The pairing code was withdrawn after repeated false proofs of it; make a new one with epost device add.");
            return Refuse("The pairing request does not prove knowledge of the code.", null);
        }
        PairingRequest request;
        PairingGrant grant;
        try
        {
            request = PairingRequest.Decode(requestBytes);
            grant = admit(request);
        }
        catch (PairingException e)
        {
            return Refuse(e.Message, null);
        }
        Close(name, "This pairing code was already used; a code pairs one device only. Make a new one with epost device add.");
        var issuerNonce = new byte[PairingTranscript.NonceLength];
        random.GetBytes(issuerNonce);
        var box = Crypto.AesGcmBox.Seal(PairingTranscript.GrantKey(offer.Key, hello, issuerNonce), grant.Encode(), PairingTranscript.GrantContext, random);
        var answer = PairingFrames.Join([1], issuerNonce, PairingTranscript.IssuerProof(offer.Key, hello, issuerNonce), box);
        return new PairingOutcome(true, request.Name, answer, request);
    }

    private PairingOutcome Refuse(string reason, PairingRequest? request) => new(false, reason, PairingTranscript.Refusal(reason), request);

    private void Close(string name, string reason)
    {
        _open.Remove(name);
        if (_closed.Count >= MaxSpent) _closed.Remove(_closed.Keys.First());
        _closed[name] = reason;
    }

    private void ExpireOld()
    {
        var now = clock.Elapsed;
        foreach (var (name, offer) in _open.Where(o => now - o.Value.Opened > Lifetime).ToList())
            Close(name, $"The pairing code expired: codes live {Lifetime.TotalMinutes:0.#} minutes on the issuing device. Make a new one with epost device add.");
    }
}
