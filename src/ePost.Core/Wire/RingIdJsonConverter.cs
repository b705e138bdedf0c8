using System.Text.Json;
using System.Text.Json.Serialization;
using ePost.Core.Ids;

namespace ePost.Core.Wire;

/// <summary>Writes a <see cref="RingId"/> as its 40 hex digits and refuses anything else on read.</summary>
public sealed class RingIdJsonConverter : JsonConverter<RingId>
{
    /// <inheritdoc />
    public override RingId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A ring id must be a string.");
        var text = reader.GetString();
        if (!RingId.TryParse(text, out var id))
            throw new JsonException($"A ring id is {RingId.HexLength} hex digits, got {text?.Length ?? 0} characters.");
        return id;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RingId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
