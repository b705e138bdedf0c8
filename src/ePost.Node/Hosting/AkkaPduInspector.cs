using System.Runtime.InteropServices;
using Google.Protobuf;

namespace ePost.Node.Hosting;

/// <summary>
/// Reads the two things in an Akka.Remote PDU that name a sender, without building Akka's objects: the origin of an
/// <c>Associate</c> control PDU and the sender path of a message envelope (Akka.Remote's <c>WireFormats.proto</c>:
/// AkkaProtocolMessage { bytes payload = 1; AkkaControlMessage instruction = 2 }, AkkaControlMessage { commandType = 1;
/// AkkaHandshakeInfo handshakeInfo = 2 }, AkkaHandshakeInfo { AddressData origin = 1 }, AddressData { system = 1;
/// hostname = 2; port = 3; protocol = 4 }, the payload an AckAndEnvelopeContainer { envelope = 2 }, RemoteEnvelope
/// { ActorRefData sender = 4 }, ActorRefData { path = 1 }).
/// </summary>
/// <remarks>
/// A PDU passes only when every origin and sender it carries is at <c>proven</c>. Unknown fields are skipped; a field
/// that decides a sender appearing twice is refused (protobuf would merge or take the last, so a first honest copy must
/// not hide a second one), and so are frames with both a payload and an instruction. The message bytes themselves are
/// skipped, never copied.
/// </remarks>
internal static class AkkaPduInspector
{
    private const int AssociateCommand = 1;

    /// <summary>Null when <paramref name="frame"/> names no sender but <paramref name="proven"/>; otherwise why not.</summary>
    public static string? Check(ByteString frame, string proven)
    {
        if (!MemoryMarshal.TryGetArray(frame.Memory, out var bytes)) bytes = new ArraySegment<byte>(frame.ToByteArray());
        var input = new CodedInputStream(bytes.Array!, bytes.Offset, bytes.Count);
        try
        {
            var payloads = 0;
            var instructions = 0;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case 10: // payload
                        if (++payloads > 1 || instructions > 0) return "a PDU with more than one payload or instruction";
                        if (Nested(input, proven, Container) is { } payloadProblem) return payloadProblem;
                        break;
                    case 18: // instruction
                        if (++instructions > 1 || payloads > 0) return "a PDU with more than one payload or instruction";
                        if (Nested(input, proven, Control) is { } controlProblem) return controlProblem;
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
            return payloads + instructions == 1 ? null : "a PDU with neither payload nor instruction";
        }
        catch (InvalidProtocolBufferException)
        {
            return "a PDU that is not protobuf";
        }
    }

    private delegate string? Part(CodedInputStream input, long end, string proven);

    /// <summary>Reads one length-delimited field in place with <paramref name="part"/>, which must end exactly at its end.</summary>
    private static string? Nested(CodedInputStream input, string proven, Part part)
    {
        var length = input.ReadLength();
        var end = input.Position + length;
        var problem = part(input, end, proven);
        if (problem is null && input.Position != end) return "a nested field that overruns its length";
        return problem;
    }

    private static IEnumerable<uint> Tags(CodedInputStream input, long end)
    {
        while (input.Position < end)
        {
            var tag = input.ReadTag();
            if (tag == 0) yield break;
            yield return tag;
        }
    }

    // AckAndEnvelopeContainer { ack = 1; envelope = 2 }
    private static string? Container(CodedInputStream input, long end, string proven) => Only(input, end, proven, 18, "an envelope", Envelope);

    // RemoteEnvelope { recipient = 1; message = 2; sender = 4; seq = 5 }
    private static string? Envelope(CodedInputStream input, long end, string proven) => Only(input, end, proven, 34, "a sender", Sender);

    /// <summary>Reads the one field tagged <paramref name="wanted"/> of a message with <paramref name="part"/>, skipping the others; the field at most once.</summary>
    private static string? Only(CodedInputStream input, long end, string proven, uint wanted, string what, Part part)
    {
        var seen = 0;
        foreach (var tag in Tags(input, end))
        {
            if (tag != wanted) { input.SkipLastField(); continue; }
            if (++seen > 1) return $"{what} given twice";
            if (Nested(input, proven, part) is { } problem) return problem;
        }
        return null;
    }

    // ActorRefData { path = 1 }
    private static string? Sender(CodedInputStream input, long end, string proven)
    {
        string? path = null;
        foreach (var tag in Tags(input, end))
        {
            if (tag != 10) { input.SkipLastField(); continue; }
            if (path is not null) return "a sender with two paths";
            path = input.ReadString();
        }
        if (path is null || path.Length <= proven.Length || !path.StartsWith(proven, StringComparison.Ordinal) || path[proven.Length] != '/')
            return $"an envelope whose sender '{Shorten(path)}' is not at the proven address";
        return null;
    }

    // AkkaControlMessage { commandType = 1; handshakeInfo = 2 }
    private static string? Control(CodedInputStream input, long end, string proven)
    {
        var command = 0;
        string? origin = null;
        var infos = 0;
        foreach (var tag in Tags(input, end))
        {
            switch (tag)
            {
                case 8:
                    command = input.ReadEnum();
                    break;
                case 18:
                    if (++infos > 1) return "a control PDU with two handshake infos";
                    var length = input.ReadLength();
                    var infoEnd = input.Position + length;
                    if (HandshakeInfo(input, infoEnd, out origin) is { } problem) return problem;
                    if (input.Position != infoEnd) return "a nested field that overruns its length";
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        if (command == AssociateCommand && origin != proven)
            return $"an Associate whose origin '{Shorten(origin)}' is not the proven address";
        return null;
    }

    // AkkaHandshakeInfo { origin = 1; uid = 2; cookie = 3 }
    private static string? HandshakeInfo(CodedInputStream input, long end, out string? origin)
    {
        origin = null;
        foreach (var tag in Tags(input, end))
        {
            if (tag != 10) { input.SkipLastField(); continue; }
            if (origin is not null) return "a handshake with two origins";
            var length = input.ReadLength();
            var addressEnd = input.Position + length;
            if (AddressData(input, addressEnd, out origin) is { } problem) return problem;
            if (input.Position != addressEnd) return "a nested field that overruns its length";
        }
        return null;
    }

    // AddressData { system = 1; hostname = 2; port = 3; protocol = 4 }
    private static string? AddressData(CodedInputStream input, long end, out string address)
    {
        string? system = null, host = null, protocol = null;
        uint? port = null;
        address = "";
        foreach (var tag in Tags(input, end))
        {
            switch (tag)
            {
                case 10 when system is null: system = input.ReadString(); break;
                case 18 when host is null: host = input.ReadString(); break;
                case 24 when port is null: port = input.ReadUInt32(); break;
                case 34 when protocol is null: protocol = input.ReadString(); break;
                case 10 or 18 or 24 or 34: return "an origin with a repeated field";
                default: input.SkipLastField(); break;
            }
        }
        // The address Akka makes of these fields (the protocol travels without the "akka." its protocol layer adds), in
        // its own text form (Address.ToString).
        address = $"akka.{protocol ?? ""}://{system ?? ""}@{host ?? ""}:{port ?? 0}";
        return null;
    }

    private static string Shorten(string? text) => text is null ? "(none)" : text.Length <= 120 ? text : text[..120] + "…";
}
