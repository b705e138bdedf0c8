using System.Text;
using ePost.Node.Hosting;
using Google.Protobuf;

namespace ePost.Node.Tests;

/// <summary>
/// The PDU check of the authenticated transport, on Akka.Remote's wire format written field by field: only origins and
/// sender paths at the proven address pass, and nothing protobuf would read differently from how the check read it.
/// </summary>
public sealed class AkkaPduInspectorTests
{
    private const string Proven = "akka.ssl.tcp://epost@127.0.0.1:4000";

    private static byte[] Message(params (int Field, object Value)[] fields)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        foreach (var (field, value) in fields)
        {
            switch (value)
            {
                case byte[] nested:
                    output.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFrom(nested));
                    break;
                case string text:
                    output.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    output.WriteString(text);
                    break;
                case uint number:
                    output.WriteTag(field, WireFormat.WireType.Varint);
                    output.WriteUInt32(number);
                    break;
                case ulong fixed64:
                    output.WriteTag(field, WireFormat.WireType.Fixed64);
                    output.WriteFixed64(fixed64);
                    break;
            }
        }
        output.Flush();
        return bytes.ToArray();
    }

    // AkkaProtocolMessage { payload = AckAndEnvelopeContainer { envelope = RemoteEnvelope { recipient, message, sender..., seq } } }
    private static ByteString Envelope(params string[] senders)
    {
        var fields = new List<(int, object)>
        {
            (1, Message((1, "akka.ssl.tcp://epost@127.0.0.1:5000/user/node/overlay"))),
            (2, Message((1, new byte[] { 1, 2, 3 }), (2, 42u), (3, Encoding.ASCII.GetBytes("M")))),
        };
        fields.AddRange(senders.Select(s => (4, (object)Message((1, s)))));
        fields.Add((5, ulong.MaxValue));
        return ByteString.CopyFrom(Message((1, Message((2, Message(fields.ToArray()))))));
    }

    // AkkaProtocolMessage { instruction = AkkaControlMessage { commandType = ASSOCIATE, handshakeInfo { origin, uid } } }
    private static ByteString Associate(string protocol, string host, uint port) =>
        ByteString.CopyFrom(Message((2, Message((1, 1u), (2, Message((1, Message((1, "epost"), (2, host), (3, port), (4, protocol))), (2, 7UL)))))));

    [Fact]
    public void An_envelope_from_the_proven_address_or_without_sender_passes()
    {
        Assert.Null(AkkaPduInspector.Check(Envelope(Proven + "/user/node/overlay#123"), Proven));
        Assert.Null(AkkaPduInspector.Check(Envelope(), Proven));
        Assert.Null(AkkaPduInspector.Check(Associate("ssl.tcp", "127.0.0.1", 4000), Proven));
        // A heartbeat: a control PDU without handshake info.
        Assert.Null(AkkaPduInspector.Check(ByteString.CopyFrom(Message((2, Message((1, 3u))))), Proven));
    }

    [Theory]
    [InlineData("akka.ssl.tcp://epost@127.0.0.1:4001/user/node/overlay")]
    [InlineData("akka.ssl.tcp://epost@127.0.0.1:40001/user/node/overlay")]
    [InlineData("akka.ssl.tcp://epost@127.0.0.1:4000")]
    [InlineData("/user/node/overlay")]
    [InlineData("")]
    public void An_envelope_whose_sender_is_anywhere_else_is_refused(string sender) =>
        Assert.NotNull(AkkaPduInspector.Check(Envelope(sender), Proven));

    [Fact]
    public void A_second_sender_after_an_honest_one_is_refused() =>
        Assert.NotNull(AkkaPduInspector.Check(Envelope(Proven + "/user/a", "akka.ssl.tcp://epost@127.0.0.1:4001/user/b"), Proven));

    [Theory]
    [InlineData("ssl.tcp", "127.0.0.1", 4001u)]
    [InlineData("ssl.tcp", "127.0.0.2", 4000u)]
    [InlineData("tcp", "127.0.0.1", 4000u)]
    public void An_associate_from_another_origin_is_refused(string protocol, string host, uint port) =>
        Assert.NotNull(AkkaPduInspector.Check(Associate(protocol, host, port), Proven));

    [Fact]
    public void A_pdu_with_payload_and_instruction_or_that_is_not_protobuf_is_refused()
    {
        var both = Message((1, Message((2, Message()))), (2, Message((1, 3u))));
        Assert.NotNull(AkkaPduInspector.Check(ByteString.CopyFrom(both), Proven));
        Assert.NotNull(AkkaPduInspector.Check(ByteString.CopyFrom([0x0a, 0x7f, 0x01]), Proven));
        Assert.NotNull(AkkaPduInspector.Check(ByteString.Empty, Proven));
    }
}
