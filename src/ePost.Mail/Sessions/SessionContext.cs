using System.Net;

namespace ePost.Mail.Sessions;

/// <summary>What a protocol session knows about its connection when it starts.</summary>
/// <param name="Remote">The client's address and port.</param>
/// <param name="IsTls">True when the connection is already encrypted (implicit TLS).</param>
/// <param name="CanStartTls">True when a certificate is available, so STARTTLS/STLS may be offered.</param>
public sealed record SessionContext(IPEndPoint Remote, bool IsTls, bool CanStartTls)
{
    /// <summary>True when the client connects from this machine (plaintext there is not observable on a network).</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Remote.Address);
}
