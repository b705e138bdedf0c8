namespace ePost.Core.Wire;

/// <summary>
/// One layer's wire vocabulary: a serializer identifier and a stable manifest for every message type.
/// Manifests are short, never reused and never derived from CLR names, so types can move and be renamed freely.
/// </summary>
public sealed class WireProtocol
{
    private readonly Dictionary<Type, string> _manifestByType = new();
    private readonly Dictionary<string, Type> _typeByManifest = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> ProjectIdentifiers = new();

    /// <summary>Creates a protocol with the given Akka serializer identifier (must be above 100; 0-100 are Akka's).</summary>
    public WireProtocol(int identifier, string name)
    {
        if (identifier <= 100) throw new ArgumentOutOfRangeException(nameof(identifier), "Identifiers 0-100 belong to Akka.");
        Identifier = identifier;
        Name = name;
        ProjectIdentifiers.TryAdd(identifier, name);
    }

    /// <summary>
    /// True when <paramref name="identifier"/> belongs to one of the project's own protocols (above 100 and created
    /// as a <see cref="WireProtocol"/>); Akka's serializers (JSON, primitives, protobuf) and anyone else's are not.
    /// </summary>
    public static bool IsProjectSerializer(int identifier) => identifier > 100 && ProjectIdentifiers.ContainsKey(identifier);

    /// <summary>The Akka serializer identifier written with every message.</summary>
    public int Identifier { get; }

    /// <summary>A human name for logs.</summary>
    public string Name { get; }

    /// <summary>All registered (manifest, type) pairs.</summary>
    public IEnumerable<KeyValuePair<string, Type>> Messages => _typeByManifest;

    /// <summary>Registers a message type under a manifest; both must be unique within the protocol.</summary>
    public WireProtocol Add<T>(string manifest) where T : IWireMessage
    {
        if (string.IsNullOrWhiteSpace(manifest)) throw new ArgumentException("Empty manifest.", nameof(manifest));
        if (!_typeByManifest.TryAdd(manifest, typeof(T)))
            throw new InvalidOperationException($"Manifest '{manifest}' is already used in {Name}.");
        if (!_manifestByType.TryAdd(typeof(T), manifest))
            throw new InvalidOperationException($"{typeof(T).Name} is already registered in {Name}.");
        return this;
    }

    /// <summary>The manifest of a registered type.</summary>
    public bool TryGetManifest(Type type, out string manifest) => _manifestByType.TryGetValue(type, out manifest!);

    /// <summary>The type registered under a manifest.</summary>
    public bool TryGetType(string manifest, out Type type) => _typeByManifest.TryGetValue(manifest, out type!);
}
