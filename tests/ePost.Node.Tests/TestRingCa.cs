using System.Security.Cryptography;
using ePost.Core.Crypto;
using ePost.Node.Identity;

namespace ePost.Node.Tests;

/// <summary>The ring CA of the test rings that bring no CA of their own: admits their nodes and the tools that query them.</summary>
public static class TestRingCa
{
    private static long _serial;

    /// <summary>The CA.</summary>
    public static CertificateAuthority Shared { get; } = CertificateAuthority.Create(RandomNumberGenerator.Create());

    /// <summary>The CA key as HOCON wants it.</summary>
    public static string PublicKeyHex(CertificateAuthority? ca = null) => Convert.ToHexStringLower((ca ?? Shared).PublicKey);

    /// <summary>The next serial for any test CA.</summary>
    public static ulong NextSerial() => (ulong)Interlocked.Increment(ref _serial);

    /// <summary>Puts a node key and a node certificate of <paramref name="ca"/> into <paramref name="dataDir"/> (what an operator does with epost init and epost ca issue-node).</summary>
    public static NodeIdentity Certify(string dataDir, CertificateAuthority? ca = null) => NodeAdmission.Certify(ca ?? Shared, dataDir, NextSerial());

    /// <summary>A fresh certified identity (key in memory only) and the trust of a ring of <paramref name="ca"/>: what a tool or a test peer connects with.</summary>
    public static (NodeCredential Credential, RingTrust Trust) Member(CertificateAuthority? ca = null, NodeRevocationList? revocations = null)
    {
        ca ??= Shared;
        var key = Ed25519.Generate(RandomNumberGenerator.Create());
        return (new NodeCredential(key, ca.IssueNode(key.PublicKey, NextSerial())), new RingTrust(ca.PublicKey, 3, revocations));
    }
}
