namespace ePost.Core.Crypto;

/// <summary>What went wrong opening a key file.</summary>
public enum KeyFileError
{
    /// <summary>Not a key file this code can parse (bad JSON, missing fields, wrong sizes, too large).</summary>
    Malformed,

    /// <summary>A key file of a format version this code does not read.</summary>
    UnsupportedVersion,

    /// <summary>A valid key file holding something else (a CA key where user keys were expected, or the reverse).</summary>
    WrongContents,

    /// <summary>The file asks for a key derivation more expensive than the bounds allow.</summary>
    CostOutOfBounds,

    /// <summary>The passphrase (or the stored KDF parameters) do not give the file's key.</summary>
    WrongPassphrase,

    /// <summary>The passphrase is right but the sealed keys were altered.</summary>
    Tampered,
}

/// <summary>A key file could not be opened; <see cref="Error"/> says why.</summary>
public sealed class KeyFileException(KeyFileError error, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why the file could not be opened.</summary>
    public KeyFileError Error { get; } = error;
}
