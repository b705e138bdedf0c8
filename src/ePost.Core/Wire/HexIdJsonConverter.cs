using System.Text.Json;
using System.Text.Json.Serialization;

namespace ePost.Core.Wire;

/// <summary>Writes an id as its fixed number of hex digits and refuses anything else on read.</summary>
/// <param name="what">What the id is called in an error, e.g. "ring id".</param>
/// <param name="hexLength">How many hex digits the id has.</param>
public abstract class HexIdJsonConverter<T>(string what, int hexLength) : JsonConverter<T>
{
    /// <summary>Parses exactly the id's hex form.</summary>
    protected abstract bool TryParse(string? text, out T id);

    /// <inheritdoc />
    public sealed override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"A {what} must be a string.");
        var text = reader.GetString();
        if (!TryParse(text, out var id)) throw new JsonException($"A {what} is {hexLength} hex digits, got {text?.Length ?? 0} characters.");
        return id;
    }

    /// <inheritdoc />
    public sealed override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value!.ToString());
}
