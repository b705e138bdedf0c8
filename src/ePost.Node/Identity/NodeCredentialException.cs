namespace ePost.Node.Identity;

/// <summary>A node cannot prove its ring identity: no CA configured, no certificate, or one that is not valid for the ring; the message is one line for the operator.</summary>
public sealed class NodeCredentialException(string message) : Exception(message);
