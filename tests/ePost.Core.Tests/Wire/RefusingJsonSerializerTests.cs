using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using ePost.Core.Wire;

namespace ePost.Core.Tests.Wire;

/// <summary>Akka's JSON serializer slot (id 1) taken by a serializer that reads and writes nothing.</summary>
public sealed class RefusingJsonSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config Refusing = ConfigurationFactory.ParseString("""
        akka.actor.serializers.json = "ePost.Core.Wire.RefusingJsonSerializer, ePost.Core"
        """);

    public RefusingJsonSerializerTests() : base(Refusing) { }

    [Fact]
    public void A_message_under_serializer_id_1_is_refused_and_counted()
    {
        var refusing = RefusingJsonSerializer.Of(Sys)!;
        var json = Encoding.UTF8.GetBytes("""{"$type":"System.IO.FileInfo, System.IO.FileSystem","fileName":"/etc/passwd"}""");
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(json, RefusingJsonSerializer.JsonIdentifier, "System.IO.FileInfo, System.IO.FileSystem"));
        Assert.Contains("Akka's JSON serializer", e.Message);
        Assert.Equal(1, refusing.Refused);
    }

    [Fact]
    public void Nothing_is_written_with_it()
    {
        var fallback = Sys.Serialization.FindSerializerForType(typeof(object));
        Assert.IsType<RefusingJsonSerializer>(fallback);
        Assert.Equal(RefusingJsonSerializer.JsonIdentifier, fallback.Identifier);
        Assert.Throws<SerializationException>(() => fallback.ToBinary(new { Name = "anonymous" }));
    }
}
