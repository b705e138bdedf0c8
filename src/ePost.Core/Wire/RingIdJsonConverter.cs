using ePost.Core.Ids;

namespace ePost.Core.Wire;

/// <summary>Writes a <see cref="RingId"/> as its 40 hex digits and refuses anything else on read.</summary>
public sealed class RingIdJsonConverter() : HexIdJsonConverter<RingId>("ring id", RingId.HexLength)
{
    /// <inheritdoc />
    protected override bool TryParse(string? text, out RingId id) => RingId.TryParse(text, out id);
}
