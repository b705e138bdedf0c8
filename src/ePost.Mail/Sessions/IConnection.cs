using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ePost.Mail.Sessions;

/// <summary>A client connection as the session actor sees it: read chunks, write replies, upgrade to TLS.</summary>
public interface IConnection : IAsyncDisposable
{
    /// <summary>The client's endpoint.</summary>
    IPEndPoint Remote { get; }

    /// <summary>True once TLS is active.</summary>
    bool IsTls { get; }

    /// <summary>The next chunk of received bytes, or an empty array at end of stream.</summary>
    Task<byte[]> ReadAsync(CancellationToken cancellation);

    /// <summary>Writes and flushes bytes.</summary>
    Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellation);

    /// <summary>
    /// Performs the server side of a TLS handshake. Anything already read but not consumed is dropped first, so bytes a
    /// client pipelined after STARTTLS can never be taken as commands sent under TLS.
    /// </summary>
    Task UpgradeToTlsAsync(X509Certificate2 certificate, CancellationToken cancellation);

    /// <summary>True once DEFLATE compression is active.</summary>
    bool IsCompressed { get; }

    /// <summary>
    /// Wraps both directions in raw DEFLATE (RFC 1951, as RFC 4978 asks), above TLS when TLS is active; every write is
    /// flushed to a byte boundary so the peer can decompress each response as it arrives.
    /// </summary>
    Task StartCompressionAsync();
}
