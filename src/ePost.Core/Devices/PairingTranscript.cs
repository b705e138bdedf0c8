using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Core.Devices;

/// <summary>
/// The pairing exchange's messages and key confirmation, shared by <see cref="PairingDesk"/> (the issuing device) and
/// <see cref="PairingJoiner"/> (the new one).
/// </summary>
/// <remarks>
/// <code>
/// K      = HKDF-SHA-256(code, salt "epost/pair/v1", info "key")
/// hello  = tag = HMAC(K, "epost/pair/offer")[..16] ‖ joiner nonce (32) ‖ request ‖ HMAC(K, "epost/pair/joiner" ‖ tag ‖ nonce ‖ request)
/// answer = 1 ‖ issuer nonce (32) ‖ HMAC(K, "epost/pair/issuer" ‖ SHA-256(hello) ‖ issuer nonce)
///            ‖ AES-256-GCM under HKDF(K, salt SHA-256(hello) ‖ issuer nonce, info "grant") of the grant
///        | 2 ‖ reason (UTF-8): refused, and nothing changed
/// </code>
/// (every field length-prefixed). Each side proves it knows the code without sending it, each proof is bound to
/// both nonces and to the request (the keys the grant certifies), and the grant is readable only with the code.
/// </remarks>
internal static class PairingTranscript
{
    public const int NonceLength = 32;
    public const int MaxMessageLength = 64 * 1024;

    public static byte[] JoinerProof(byte[] key, byte[] tag, byte[] nonce, byte[] request) =>
        HMACSHA256.HashData(key, (byte[])[.. "epost/pair/joiner"u8, .. tag, .. nonce, .. request]);

    public static byte[] IssuerProof(byte[] key, ReadOnlySpan<byte> hello, byte[] issuerNonce) =>
        HMACSHA256.HashData(key, (byte[])[.. "epost/pair/issuer"u8, .. SHA256.HashData(hello), .. issuerNonce]);

    public static byte[] GrantKey(byte[] key, ReadOnlySpan<byte> hello, byte[] issuerNonce) =>
        Hkdf.DeriveKey(key, 32, [.. SHA256.HashData(hello), .. issuerNonce], "grant"u8);

    public static ReadOnlySpan<byte> GrantContext => "epost/pair/grant/v1"u8;

    public static byte[] Refusal(string reason) =>
        PairingFrames.Join([2], System.Text.Encoding.UTF8.GetBytes(reason.Length > 500 ? reason[..500] : reason));
}
