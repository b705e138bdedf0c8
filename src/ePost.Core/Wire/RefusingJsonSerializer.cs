using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace ePost.Core.Wire;

/// <summary>
/// Takes Akka's JSON serializer slot (id 1, the fallback binding for <see cref="object"/>) so that neither direction
/// of the wire ever uses Newtonsoft.Json with CLR type names: a peer that names serializer 1 gets its message
/// refused and counted, and a local type without a binding fails loudly instead of being written as JSON.
/// </summary>
public sealed class RefusingJsonSerializer : Serializer
{
    /// <summary>Akka's identifier for its JSON serializer, kept occupied so no one else can take it.</summary>
    public const int JsonIdentifier = 1;

    private long _refused;

    /// <summary>Created by Akka from <c>akka.actor.serializers</c>.</summary>
    public RefusingJsonSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <summary>Created by Akka when <c>akka.actor.serialization-settings.json</c> exists (it does, for the serializer this replaces); the settings are not used.</summary>
    public RefusingJsonSerializer(ExtendedActorSystem system, Config settings) : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => JsonIdentifier;

    /// <inheritdoc />
    public override bool IncludeManifest => true;

    /// <summary>Inbound messages refused since the actor system started.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The instance bound in <paramref name="system"/>, or null when Akka's JSON serializer is still bound there.</summary>
    public static RefusingJsonSerializer? Of(ActorSystem system) =>
        ((ExtendedActorSystem)system).Serialization.FindSerializerForType(typeof(object)) as RefusingJsonSerializer;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().Name} has no serializer binding; only the project's wire serializers write messages.");

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type)
    {
        Interlocked.Increment(ref _refused);
        throw new SerializationException($"Refused a message written with Akka's JSON serializer (id {JsonIdentifier}, {bytes.Length} bytes); only the project's wire serializers are read.");
    }
}
