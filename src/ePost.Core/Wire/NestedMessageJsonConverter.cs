using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ePost.Core.Wire;

/// <summary>
/// Writes an <see cref="object"/>-typed property as {"s": serializer id, "m": manifest, "b": bytes} using Akka's
/// serialization registry, so a layer can carry another layer's message without knowing its type. On read only the
/// project's own serializer ids are accepted (<see cref="WireProtocol.IsProjectSerializer"/>).
/// </summary>
internal sealed class NestedMessageJsonConverter(ExtendedActorSystem system) : JsonConverter<object>
{
    public override object Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A nested message must be an object.");
        int? serializerId = null;
        string? manifest = null;
        byte[]? bytes = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("Malformed nested message.");
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "s": serializerId = reader.GetInt32(); break;
                case "m": manifest = reader.GetString(); break;
                case "b": bytes = reader.GetBytesFromBase64(); break;
                default: reader.Skip(); break;
            }
        }
        if (serializerId is null || manifest is null || bytes is null)
            throw new JsonException("A nested message needs s, m and b.");
        // Only the project's own serializers may read a payload: Akka's JSON serializer would instantiate whatever
        // CLR type the peer names, and the primitive and protobuf ones carry nothing the layers exchange.
        if (!WireProtocol.IsProjectSerializer(serializerId.Value))
            throw new JsonException($"A nested message under serializer {serializerId} is refused: only the project's wire serializers are read.");
        try
        {
            return system.Serialization.Deserialize(bytes, serializerId.Value, manifest);
        }
        catch (Exception e) when (e is not JsonException)
        {
            throw new JsonException($"Nested message (serializer {serializerId}, '{manifest}') is unreadable: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
    {
        var serializer = system.Serialization.FindSerializerFor(value);
        writer.WriteStartObject();
        writer.WriteNumber("s", serializer.Identifier);
        writer.WriteString("m", Akka.Serialization.Serialization.ManifestFor(serializer, value));
        writer.WriteBase64String("b", serializer.ToBinary(value));
        writer.WriteEndObject();
    }
}
