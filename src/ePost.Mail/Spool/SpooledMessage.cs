using ePost.Mail.Backend;

namespace ePost.Mail.Spool;

/// <summary>A message waiting in the spool: its id, envelope, and the size and SHA-256 of its bytes.</summary>
public sealed record SpooledMessage(string Id, SpoolEnvelope Envelope, long Size, string Sha256);
