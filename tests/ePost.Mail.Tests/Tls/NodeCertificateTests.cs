using System.Security.Cryptography.X509Certificates;
using ePost.Mail.Tls;

namespace ePost.Mail.Tests.Tls;

public sealed class NodeCertificateTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "epost-cert-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 0, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(dataDir, recursive: true);

    [Fact]
    public void The_certificate_is_created_once_and_then_reloaded()
    {
        using var created = NodeCertificate.LoadOrCreate(dataDir, "node1.ring.test", Now);
        using var loaded = NodeCertificate.LoadOrCreate(dataDir, "other-name", Now.AddDays(5));
        Assert.Equal(created.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal("CN=node1.ring.test", loaded.Subject);
        using var key = loaded.GetECDsaPrivateKey();
        Assert.Equal(256, key!.KeySize);
        Assert.Equal(Now.AddDays(-1).UtcDateTime, loaded.NotBefore.ToUniversalTime());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, NodeCertificate.FileName)));
    }

    [Fact]
    public void A_file_without_a_private_key_is_refused()
    {
        Directory.CreateDirectory(dataDir);
        using var certificate = NodeCertificate.Create("x.test", Now);
        var path = Path.Combine(dataDir, "public-only.pfx");
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData);
        File.WriteAllBytes(path, publicOnly.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
        Assert.Throws<InvalidDataException>(() => NodeCertificate.Load(path, null));
    }
}
