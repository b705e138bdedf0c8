using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ePost.Mail.Sessions;

/// <summary>A TCP connection read and written through System.IO.Pipelines, over a NetworkStream or, after TLS, an SslStream.</summary>
public sealed class StreamConnection : IConnection
{
    private readonly TcpClient client;
    private Stream stream;
    private PipeReader reader;
    private PipeWriter writer;
    private DeflateStream? inflater;
    private DeflateStream? deflater;

    /// <summary>Wraps an accepted client.</summary>
    public StreamConnection(TcpClient client)
    {
        this.client = client;
        client.NoDelay = true;
        Remote = (IPEndPoint)client.Client.RemoteEndPoint!;
        stream = client.GetStream();
        (reader, writer) = Pipes(stream);
    }

    /// <inheritdoc />
    public IPEndPoint Remote { get; }

    /// <inheritdoc />
    public bool IsTls => stream is SslStream;

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(CancellationToken cancellation)
    {
        var result = await reader.ReadAsync(cancellation).ConfigureAwait(false);
        var bytes = result.Buffer.ToArray();
        // Everything read is handed to the framer at once: the pipe holds nothing back, so a TLS upgrade drops nothing
        // that the framer has not already been told to discard.
        reader.AdvanceTo(result.Buffer.End);
        if (bytes.Length == 0 && result.IsCompleted) return [];
        return bytes;
    }

    /// <inheritdoc />
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellation)
    {
        if (data.IsEmpty) return;
        await writer.WriteAsync(data, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UpgradeToTlsAsync(X509Certificate2 certificate, CancellationToken cancellation)
    {
        if (IsTls) throw new InvalidOperationException("TLS is already active.");
        if (IsCompressed) throw new InvalidOperationException("TLS cannot start under compression.");
        await reader.CompleteAsync().ConfigureAwait(false);
        await writer.CompleteAsync().ConfigureAwait(false);
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
        }, cancellation).ConfigureAwait(false);
        stream = ssl;
        (reader, writer) = Pipes(ssl);
    }

    /// <inheritdoc />
    public bool IsCompressed => deflater is not null;

    /// <inheritdoc />
    public async Task StartCompressionAsync()
    {
        if (IsCompressed) throw new InvalidOperationException("Compression is already active.");
        await reader.CompleteAsync().ConfigureAwait(false);
        await writer.CompleteAsync().ConfigureAwait(false);
        // DeflateStream is raw DEFLATE without zlib header, which is what RFC 4978 §4 specifies; its Flush is a sync
        // flush, so every response reaches the client whole. A bomb is bounded by the session's own input limits,
        // which count the inflated bytes.
        inflater = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
        deflater = new DeflateStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        reader = PipeReader.Create(inflater, new StreamPipeReaderOptions(leaveOpen: true));
        writer = PipeWriter.Create(deflater, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
            if (deflater is not null) await deflater.DisposeAsync().ConfigureAwait(false);
            if (inflater is not null) await inflater.DisposeAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is already gone; nothing left to release but the socket.
        }
        client.Dispose();
    }

    private static (PipeReader, PipeWriter) Pipes(Stream s) =>
        (PipeReader.Create(s, new StreamPipeReaderOptions(leaveOpen: true)),
         PipeWriter.Create(s, new StreamPipeWriterOptions(leaveOpen: true)));
}
