using ePost.Core.Wire;

namespace ePost.Storage.Wire;

/// <summary>Writes a <see cref="RequestId"/> as its 32 hex digits and refuses anything else on read.</summary>
public sealed class RequestIdJsonConverter() : HexIdJsonConverter<RequestId>("request id", RequestId.HexLength)
{
    /// <inheritdoc />
    protected override bool TryParse(string? text, out RequestId id) => RequestId.TryParse(text, out id);
}
