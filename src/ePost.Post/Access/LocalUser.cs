using System.Security.Cryptography;
using ePost.Core.Crypto;

namespace ePost.Post.Access;

/// <summary>A user this node serves: the user's keys and a verifier of the mail password (never the password itself).</summary>
public sealed class LocalUser
{
    private const int Iterations = 20_000;
    private readonly byte[] _salt;
    private readonly byte[] _verifier;

    /// <summary>A local user who logs in with <paramref name="password"/>.</summary>
    public LocalUser(UserKeys keys, string password)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(password);
        Keys = keys;
        _salt = RandomNumberGenerator.GetBytes(16);
        _verifier = Derive(password, _salt);
    }

    /// <summary>The user's keys.</summary>
    public UserKeys Keys { get; }

    /// <summary>
    /// True when this node takes over an existing mailbox (<c>epost recover</c>): with an empty journal it waits for the
    /// user's logs in the ring instead of creating a new mailbox when the ring does not answer at once.
    /// </summary>
    public bool Recover { get; init; }

    /// <summary>The user's address.</summary>
    public string Address => Keys.Certificate.Address;

    /// <summary>The address's local part (before the last '@').</summary>
    public string LocalPart => Address[..Address.LastIndexOf('@')];

    /// <summary>True when <paramref name="password"/> is the user's (constant time in the password's content).</summary>
    public bool Verify(string password) => CryptographicOperations.FixedTimeEquals(Derive(password, _salt), _verifier);

    /// <summary>Runs the same work as a verification, for unknown users (so timing does not tell who exists).</summary>
    public static void Burn(string password) => Derive(password, new byte[16]);

    private static byte[] Derive(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(System.Text.Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
