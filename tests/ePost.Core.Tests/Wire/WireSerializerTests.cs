using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using ePost.Core.Ids;
using ePost.Core.Wire;

namespace ePost.Core.Tests.Wire;

public sealed record Greeting(RingId From, string Text, int Count) : IWireMessage;
public sealed record Parcel(string Label, object Content) : IWireMessage;

public sealed class TestWireSerializer(ExtendedActorSystem system) : WireSerializer(system, Protocol)
{
    public static readonly WireProtocol Protocol = new WireProtocol(9101, "test")
        .Add<Greeting>("g")
        .Add<Parcel>("p");
}

public sealed class WireSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Strict = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers { test = "ePost.Core.Tests.Wire.TestWireSerializer, ePost.Core.Tests" }
          serialization-bindings { "ePost.Core.Wire.IWireMessage, ePost.Core" = test }
          serialization-settings.allow-unregistered-types = off
          serialize-messages = on
        }
        """);

    public WireSerializerTests() : base(Strict) { }

    private TestWireSerializer Serializer =>
        (TestWireSerializer)Sys.Serialization.FindSerializerForType(typeof(Greeting));

    [Fact]
    public void Messages_round_trip_under_their_stable_manifest()
    {
        var greeting = new Greeting(RingId.Random(new Random(1)), "hello", 3);
        Assert.Equal("g", Serializer.Manifest(greeting));
        Assert.Equal(greeting, Serializer.FromBinary(Serializer.ToBinary(greeting), "g"));
    }

    [Fact]
    public void Nested_messages_travel_through_the_akka_registry()
    {
        var inner = new Greeting(RingId.Zero, "inside", 1);
        var parcel = new Parcel("box", inner);
        var back = (Parcel)Serializer.FromBinary(Serializer.ToBinary(parcel), "p");
        Assert.Equal(inner, back.Content);
    }

    [Fact]
    public void Nested_values_without_a_binding_are_refused_not_written_with_clr_names()
    {
        var text = new Parcel("text", "plain string");
        Assert.Throws<SerializationException>(() => Serializer.ToBinary(text));
    }

    [Theory]
    [InlineData(1, "System.String, System.Private.CoreLib", "\"hello\"")] // Akka's JSON serializer: builds any CLR type it is told to
    [InlineData(4, "", "hello")]                                          // Akka's byte-array serializer
    [InlineData(9999, "g", "{}")]                                         // an id nobody registered
    public void Nested_payloads_under_serializers_other_than_the_projects_are_refused(int serializerId, string manifest, string payload)
    {
        var bytes = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload));
        var body = "{\"Label\":\"x\",\"Content\":{\"s\":" + serializerId + ",\"m\":\"" + manifest + "\",\"b\":\"" + bytes + "\"}}";
        var e = Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(body), "p"));
        Assert.Contains($"serializer {serializerId}", e.Message);
    }

    [Fact]
    public void Only_identifiers_of_the_projects_protocols_are_project_serializers()
    {
        Assert.True(WireProtocol.IsProjectSerializer(TestWireSerializer.Protocol.Identifier));
        Assert.False(WireProtocol.IsProjectSerializer(1));
        Assert.False(WireProtocol.IsProjectSerializer(4));
        Assert.False(WireProtocol.IsProjectSerializer(9102));
    }

    [Fact]
    public void Unknown_manifest_is_a_serialization_exception() =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary("{}"u8.ToArray(), "no-such"));

    [Theory]
    [InlineData("""{"From":"0123","Text":"x","Count":1}""")]                                        // id too short
    [InlineData("""{"From":"0123456789abcdef0123456789abcdef0123456789ab","Text":"x","Count":1}""")] // id too long
    [InlineData("""{"From":"0123456789abcdef0123456789abcdef01234567","Count":1}""")]               // missing field
    [InlineData("""{"From":"0123456789abcdef0123456789abcdef01234567","Text":null,"Count":1}""")]   // null in non-null
    [InlineData("""{"From":"0123456789abcdef0123456789abcdef01234567","Text":"x","Count":"1"}""")]  // wrong type
    [InlineData("""not json""")]
    [InlineData("")]
    public void Malformed_input_is_a_serialization_exception(string json) =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(json), "g"));

    [Fact]
    public void Types_outside_the_protocol_are_refused() =>
        Assert.Throws<SerializationException>(() => Serializer.ToBinary(new object()));

    [Fact]
    public void Unregistered_types_fail_loudly_instead_of_falling_back_to_json()
    {
        var unbound = new { Name = "anonymous" };
        Assert.ThrowsAny<Exception>(() => Sys.Serialization.FindSerializerFor(unbound).ToBinary(unbound));
    }
}
