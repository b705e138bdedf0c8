using System.Text.Json;
using System.Text.Json.Serialization;

namespace ePost.Storage.Wire;

/// <summary>Writes a <see cref="RequestId"/> as its 32 hex digits and refuses anything else on read.</summary>
public sealed class RequestIdJsonConverter : JsonConverter<RequestId>
{
    /// <inheritdoc />
    public override RequestId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A request id must be a string.");
        var text = reader.GetString();
        if (!RequestId.TryParse(text, out var id))
            throw new JsonException($"A request id is {RequestId.HexLength} hex digits, got {text?.Length ?? 0} characters.");
        return id;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RequestId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
