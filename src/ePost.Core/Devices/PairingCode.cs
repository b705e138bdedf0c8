using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;

namespace ePost.Core.Devices;

/// <summary>A one-time pairing secret: 128 random bits, shown as 26 base32 characters in groups of four.</summary>
/// <remarks>
/// The code is never sent: both sides derive a key from it (<see cref="Key"/>) and prove knowledge with HMACs over
/// the exchange. With 128 bits of entropy an eavesdropper who records the exchange cannot search for the code
/// offline, which is why a plain HMAC key confirmation suffices where a short code would need a real PAKE.
/// </remarks>
public sealed class PairingCode
{
    /// <summary>Random bytes in a code.</summary>
    public const int SecretLength = 16;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private readonly byte[] _secret;

    private PairingCode(byte[] secret) => _secret = secret;

    /// <summary>A fresh code.</summary>
    public static PairingCode Generate(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var secret = new byte[SecretLength];
        random.GetBytes(secret);
        return new PairingCode(secret);
    }

    /// <summary>Reads a code as typed: case and the '-' and space separators do not matter.</summary>
    /// <exception cref="PairingException">When it is not a pairing code.</exception>
    public static PairingCode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = text.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (clean.Length != 26) throw new PairingException($"'{text}' is not a pairing code: a code is 26 letters and digits (as epost device add prints it).");
        var secret = new byte[SecretLength];
        int buffer = 0, bits = 0, at = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0) throw new PairingException($"'{text}' is not a pairing code: '{c}' is not one of its letters (a-z, 2-7).");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits < 8) continue;
            bits -= 8;
            if (at < SecretLength) secret[at++] = (byte)(buffer >> bits);
            buffer &= (1 << bits) - 1;
        }
        if (buffer != 0) throw new PairingException($"'{text}' is not a pairing code: its last character is not one a code ends with.");
        return new PairingCode(secret);
    }

    /// <summary>The key both sides derive from the code.</summary>
    internal byte[] Key => Hkdf.DeriveKey(_secret, 32, "epost/pair/v1"u8, "key"u8);

    /// <summary>Names the offer to the issuer without revealing the code.</summary>
    internal byte[] Tag => HMACSHA256.HashData(Key, "epost/pair/offer"u8)[..16];

    /// <summary>The code as shown: 26 base32 characters in groups of four.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in _secret)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(buffer >> bits) & 31]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return string.Join('-', text.ToString().Chunk(4).Select(c => new string(c)));
    }
}
