using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>Test fixture: a submission spool behind a <see cref="HungLayer"/> (a disk that stopped answering).</summary>
public sealed class HungSpool(ISubmissionSpool inner, HungLayer layer) : ISubmissionSpool
{
    /// <inheritdoc />
    public async Task<string> AcceptAsync(SpoolEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        await layer.PassAsync();
        return await inner.AcceptAsync(envelope, message, cancellation);
    }
}
