using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ePost.Core.Wire;

/// <summary>
/// The one serializer of the project: System.Text.Json over records, with the stable manifests of a
/// <see cref="WireProtocol"/>. Each layer subclasses it only to name its protocol, so Akka can bind it by type.
/// </summary>
/// <remarks>
/// Anything that cannot be read (unknown manifest, malformed JSON, a missing required field, an id of the wrong
/// length) becomes a <see cref="SerializationException"/>: Akka.Remote then logs and drops that one message
/// instead of tearing down the connection. Properties typed <see cref="object"/> hold nested messages and are
/// written through Akka's own serialization registry (serializer id, manifest, bytes), so an application payload
/// travels inside an overlay message without the overlay knowing its type.
/// </remarks>
public abstract class WireSerializer : SerializerWithStringManifest
{
    private readonly WireProtocol _protocol;
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates the serializer for one protocol.</summary>
    protected WireSerializer(ExtendedActorSystem system, WireProtocol protocol) : base(system)
    {
        _protocol = protocol;
        _options = CreateOptions(system);
    }

    /// <inheritdoc />
    public override int Identifier => _protocol.Identifier;

    /// <summary>The JSON options every wire message of this protocol is written with.</summary>
    public static JsonSerializerOptions CreateOptions(ExtendedActorSystem? system)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            MaxDepth = 32,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new RingIdJsonConverter());
        if (system is not null) options.Converters.Add(new NestedMessageJsonConverter(system));
        return options;
    }

    /// <inheritdoc />
    public override string Manifest(object o) =>
        _protocol.TryGetManifest(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().Name} is not part of the {_protocol.Name} wire protocol.");

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        if (!_protocol.TryGetManifest(obj.GetType(), out _))
            throw new SerializationException($"{obj.GetType().Name} is not part of the {_protocol.Name} wire protocol.");
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!_protocol.TryGetType(manifest, out var type))
            throw new SerializationException($"Unknown {_protocol.Name} manifest '{Shorten(manifest)}'.");
        try
        {
            return JsonSerializer.Deserialize(bytes, type, _options)
                   ?? throw new SerializationException($"Empty {_protocol.Name} message '{manifest}'.");
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new SerializationException($"Malformed {_protocol.Name} message '{manifest}': {e.Message}", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "...";
}
