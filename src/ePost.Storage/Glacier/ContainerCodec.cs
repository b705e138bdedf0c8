using System.Buffers.Binary;
using System.Security.Cryptography;
using ePost.Storage.Leases;
using ePost.Storage.Objects;

namespace ePost.Storage.Glacier;

/// <summary>The byte layout of a container: many small objects packed into one unit of erasure coding.</summary>
/// <remarks>
/// <code>"EPGC" | u8 format = 1 | salt (16) | u16 count | count x (i64 lease ms | u32 length | object encoding)</code>
/// The random salt makes every container unique, even the same objects archived twice. A container's id is derived
/// from its writer and the SHA-256 of these bytes (<see cref="FragmentManifest.IdFor"/>). Unpacking checks every
/// length against what remains and verifies every object it yields.
/// </remarks>
public static class ContainerCodec
{
    /// <summary>Bytes a container adds before its first member.</summary>
    public const int HeaderLength = 4 + 1 + SaltLength + 2;

    /// <summary>Bytes each member adds to its object's encoding.</summary>
    public const int MemberOverhead = 8 + 4;

    /// <summary>Most members one container can name.</summary>
    public const int MaxMembers = ushort.MaxValue;

    private const int SaltLength = 16;
    private const byte Format = 1;
    private static ReadOnlySpan<byte> Magic => "EPGC"u8;

    /// <summary>Packs members (in order) with a fresh random salt.</summary>
    public static byte[] Pack(IReadOnlyList<ContainerMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count is < 1 or > MaxMembers) throw new ArgumentException($"a container holds 1..{MaxMembers} members, not {members.Count}.", nameof(members));
        var encodings = members.Select(m => m.Object.Encode()).ToList();
        var bytes = new byte[HeaderLength + encodings.Sum(e => (long)e.Length + MemberOverhead)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = Format;
        RandomNumberGenerator.Fill(span.Slice(5, SaltLength));
        BinaryPrimitives.WriteUInt16BigEndian(span[(5 + SaltLength)..], (ushort)members.Count);
        var at = HeaderLength;
        for (var i = 0; i < members.Count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[at..], members[i].Lease.Milliseconds);
            BinaryPrimitives.WriteUInt32BigEndian(span[(at + 8)..], (uint)encodings[i].Length);
            encodings[i].CopyTo(span[(at + MemberOverhead)..]);
            at += MemberOverhead + encodings[i].Length;
        }
        return bytes;
    }

    /// <summary>Unpacks and verifies every member.</summary>
    /// <exception cref="InvalidDataException">When the bytes are not a well-formed container of valid objects.</exception>
    public static IReadOnlyList<ContainerMember> Unpack(ReadOnlySpan<byte> container, int maxObjectBytes)
    {
        if (container.Length < HeaderLength || !container[..4].SequenceEqual(Magic) || container[4] != Format)
            throw new InvalidDataException("not a container (too short, or wrong magic or format).");
        var count = BinaryPrimitives.ReadUInt16BigEndian(container[(5 + SaltLength)..]);
        var members = new List<ContainerMember>(Math.Min((int)count, 1024));
        var at = HeaderLength;
        for (var i = 0; i < count; i++)
        {
            if (container.Length - at < MemberOverhead) throw new InvalidDataException($"member {i} is cut short.");
            if (!LeaseDuration.TryFromMilliseconds(BinaryPrimitives.ReadInt64BigEndian(container[at..]), out var lease))
                throw new InvalidDataException($"member {i} has a lease outside 1 ms .. 10 years.");
            var length = BinaryPrimitives.ReadUInt32BigEndian(container[(at + 8)..]);
            at += MemberOverhead;
            if (length > (uint)(container.Length - at)) throw new InvalidDataException($"member {i} claims {length} bytes, {container.Length - at} remain.");
            var check = ObjectValidator.DecodeAndCheck(container.Slice(at, (int)length), maxObjectBytes, out var value);
            if (!check.IsAccepted || value is null) throw new InvalidDataException($"member {i} is not a valid object: {check}.");
            members.Add(new ContainerMember(value, lease));
            at += (int)length;
        }
        if (at != container.Length) throw new InvalidDataException($"{container.Length - at} bytes follow the last member.");
        return members;
    }
}
