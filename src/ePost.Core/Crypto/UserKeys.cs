using System.Security.Cryptography;

namespace ePost.Core.Crypto;

/// <summary>Everything a user's node needs to act as that user: the signing and encryption key pairs and their certificate.</summary>
/// <remarks>Constructed only when both key pairs are the ones the certificate names, so a key file can never pair a certificate with foreign keys.</remarks>
public sealed class UserKeys
{
    /// <summary>Pairs the keys with their certificate.</summary>
    /// <exception cref="ArgumentException">When a public key in the certificate is not the public key of the given pair.</exception>
    public UserKeys(Ed25519KeyPair signing, X25519KeyPair encryption, UserCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(encryption);
        ArgumentNullException.ThrowIfNull(certificate);
        if (!CryptographicOperations.FixedTimeEquals(signing.PublicKey, certificate.SigningPublicKey))
            throw new ArgumentException($"The signing key is not the one certified for {certificate.Address}.", nameof(signing));
        if (!CryptographicOperations.FixedTimeEquals(encryption.PublicKey, certificate.EncryptionPublicKey))
            throw new ArgumentException($"The encryption key is not the one certified for {certificate.Address}.", nameof(encryption));
        Signing = signing;
        Encryption = encryption;
        Certificate = certificate;
    }

    /// <summary>The user's Ed25519 pair: signs log heads, entries and notifications.</summary>
    public Ed25519KeyPair Signing { get; }

    /// <summary>The user's X25519 pair: unwraps keys wrapped for the user.</summary>
    public X25519KeyPair Encryption { get; }

    /// <summary>The CA-signed certificate naming both public keys.</summary>
    public UserCertificate Certificate { get; }

    /// <summary>The address, for logs; never a private key.</summary>
    public override string ToString() => $"UserKeys({Certificate.Address})";
}
