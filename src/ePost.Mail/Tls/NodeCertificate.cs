using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ePost.Mail.Tls;

/// <summary>
/// The node's TLS server certificate: a configured PKCS#12 file, or a self-signed ECDSA P-256 certificate created in the
/// data directory on first use (mail clients then ask the user to trust it once, as with any self-hosted server).
/// </summary>
public static class NodeCertificate
{
    /// <summary>File name of the generated certificate inside the data directory.</summary>
    public const string FileName = "node-tls.pfx";

    /// <summary>How long a generated certificate is valid.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    /// <summary>Loads <c>dataDirectory/node-tls.pfx</c>, creating it first if it does not exist.</summary>
    /// <param name="dataDirectory">The node's data directory (created if missing).</param>
    /// <param name="hostName">DNS name the certificate is for (also valid for localhost and the loopback addresses).</param>
    /// <param name="now">Current time from the node's clock (start of validity, minus a day for skewed clients).</param>
    public static X509Certificate2 LoadOrCreate(string dataDirectory, string hostName, DateTimeOffset now)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            using var created = Create(hostName, now);
            WriteAtomically(path, created.Export(X509ContentType.Pkcs12));
        }
        return Load(path, null);
    }

    /// <summary>Loads a configured PKCS#12 file; it must hold a private key.</summary>
    public static X509Certificate2 Load(string path, string? password)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidDataException($"TLS certificate '{path}' has no private key.");
        }
        return certificate;
    }

    /// <summary>A new self-signed server certificate (ECDSA P-256, SHA-256, serverAuth).</summary>
    public static X509Certificate2 Create(string hostName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase)) names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(now.AddDays(-1), now.Add(Validity));
    }

    private static void WriteAtomically(string path, byte[] pfx)
    {
        // The private key is written readable by the owner only, completely or not at all.
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options))
        {
            file.Write(pfx);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: false);
    }
}
