using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using ePost.Core.Crypto;
using ePost.Core.Ids;

namespace ePost.Core.Devices;

/// <summary>A user's signed, numbered list of devices: which device keys may write the user's objects and receive the user's mail.</summary>
/// <remarks>
/// <para>Canonical encoding (all integers big-endian):</para>
/// <code>
/// "EPDEVL" (6 ASCII bytes) ‖ version (1 byte, 0x01) ‖ owner: the user's Ed25519 signing key (32) ‖ user id (20)
/// ‖ number (u64) ‖ count (u16) ‖ count entries, strictly ascending by index:
///     index (u16) ‖ state (u8: 1 active, 2 revoked) ‖ device signing key (32) ‖ device encryption key (32)
///     ‖ login verifier (32) ‖ name length (u8) ‖ name (ASCII)
/// ‖ Ed25519 signature by the owner key over every preceding byte (64)
/// </code>
/// <para>Only the user's long-term key signs a list, so a device (which never holds that key unless the user asks)
/// cannot add or revoke devices. Lists are numbered, not dated: a larger number supersedes, and a successor may only
/// append devices and revoke them (<see cref="CheckSuccessor"/>): an index, key or name is never reused and a revoked
/// device never returns, so a replayed older list can at most resurrect nothing a newer one a reader has seen
/// removed. The decoder refuses any other version, unsorted or repeated indices, repeated keys or names, bad names,
/// a count above <see cref="MaxEntries"/> and trailing bytes: one encoding per list.</para>
/// </remarks>
public sealed class DeviceList
{
    /// <summary>The version this code writes and the only one it reads.</summary>
    public const byte Version = 1;

    /// <summary>Most devices one list may name (revoked ones included): the ring's per-user device limit is at most this.</summary>
    public const int MaxEntries = 256;

    /// <summary>Largest possible encoding.</summary>
    public const int MaxEncodedLength = EntriesOffset + MaxEntries * (EntryFixedLength + DeviceEntry.MaxNameBytes) + Ed25519.SignatureLength;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("EPDEVL");
    private const int OwnerOffset = 7;
    private const int UserIdOffset = OwnerOffset + Ed25519.PublicKeyLength;
    private const int NumberOffset = UserIdOffset + RingId.ByteLength;
    private const int CountOffset = NumberOffset + 8;
    private const int EntriesOffset = CountOffset + 2;
    private const int EntryFixedLength = 2 + 1 + 32 + 32 + 32 + 1;

    private readonly byte[] _encoded;

    private DeviceList(byte[] encoded, IReadOnlyList<DeviceEntry> devices)
    {
        _encoded = encoded;
        Devices = devices;
        Number = BinaryPrimitives.ReadUInt64BigEndian(encoded.AsSpan(NumberOffset));
        UserId = RingId.FromBytes(encoded.AsSpan(UserIdOffset, RingId.ByteLength));
    }

    /// <summary>The list's number; a larger number supersedes.</summary>
    public ulong Number { get; }

    /// <summary>The user whose devices these are.</summary>
    public RingId UserId { get; }

    /// <summary>The user's signing key that signed the list.</summary>
    public byte[] OwnerKey => _encoded.AsSpan(OwnerOffset, Ed25519.PublicKeyLength).ToArray();

    /// <summary>Every device ever listed, by index, revoked ones included.</summary>
    public IReadOnlyList<DeviceEntry> Devices { get; }

    /// <summary>The devices not revoked.</summary>
    public IEnumerable<DeviceEntry> Active => Devices.Where(d => !d.Revoked);

    /// <summary>The index the next device gets: one past the highest ever used.</summary>
    public ushort NextIndex => Devices.Count == 0 ? (ushort)0 : (ushort)(Devices[^1].Index + 1);

    /// <summary>The device with this name, or null.</summary>
    public DeviceEntry? Find(string name) => Devices.FirstOrDefault(d => d.Name == name);

    /// <summary>The device whose signing (node) key this is, or null.</summary>
    public DeviceEntry? FindByKey(ReadOnlySpan<byte> signingKey)
    {
        foreach (var device in Devices)
            if (device.SigningKey.AsSpan().SequenceEqual(signingKey)) return device;
        return null;
    }

    /// <summary>True when a device with this signing key is listed and not revoked.</summary>
    public bool IsActive(ReadOnlySpan<byte> signingKey) => FindByKey(signingKey) is { Revoked: false };

    /// <summary>The active device whose mail password this is, or null.</summary>
    public DeviceEntry? FindLogin(string password) => Active.FirstOrDefault(d => d.LoginMatches(password));

    /// <summary>True when this list replaces <paramref name="other"/> (null: no list yet).</summary>
    public bool Supersedes(DeviceList? other) => other is null || Number > other.Number;

    /// <summary>The canonical encoding.</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>Null when the list is signed by <paramref name="ownerKey"/> (the user's signing key), else the reason.</summary>
    public string? Verify(ReadOnlySpan<byte> ownerKey)
    {
        if (!CryptographicOperations.FixedTimeEquals(_encoded.AsSpan(OwnerOffset, Ed25519.PublicKeyLength), ownerKey))
            return $"Device list {Number} belongs to another user key.";
        return Ed25519.Verify(ownerKey, _encoded.AsSpan(0, _encoded.Length - Ed25519.SignatureLength), _encoded.AsSpan(_encoded.Length - Ed25519.SignatureLength))
            ? null
            : $"The signature on device list {Number} does not verify under the user's key: it was forged or altered.";
    }

    /// <summary>Null when this list may follow <paramref name="previous"/>: same user, larger number, every earlier device kept with its keys, revoked ones still revoked.</summary>
    public string? CheckSuccessor(DeviceList? previous)
    {
        if (previous is null) return null;
        if (!previous._encoded.AsSpan(OwnerOffset, Ed25519.PublicKeyLength + RingId.ByteLength).SequenceEqual(_encoded.AsSpan(OwnerOffset, Ed25519.PublicKeyLength + RingId.ByteLength)))
            return $"Device list {Number} is another user's than list {previous.Number}.";
        if (Number <= previous.Number) return $"Device list {Number} is not newer than list {previous.Number}.";
        if (Devices.Count < previous.Devices.Count) return $"Device list {Number} drops devices of list {previous.Number}.";
        for (var i = 0; i < previous.Devices.Count; i++)
        {
            var (before, after) = (previous.Devices[i], Devices[i]);
            if (!after.SameDeviceAs(before)) return $"Device list {Number} changes {before} of list {previous.Number}.";
            if (before.Revoked && !after.Revoked) return $"Device list {Number} brings back the revoked {before}.";
        }
        return null;
    }

    /// <summary>The first list of a user: no devices yet, number 1.</summary>
    public static DeviceList Empty(UserKeys owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return Sign(owner.Signing, owner.Certificate.UserId, 1, []);
    }

    /// <summary>The successor that adds a device with the next index.</summary>
    /// <exception cref="ArgumentException">When the name or a key is taken, the name is not usable, or <paramref name="owner"/> did not sign this list.</exception>
    public DeviceList WithDevice(UserKeys owner, string name, ReadOnlySpan<byte> signingKey, ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> loginVerifier)
    {
        ArgumentNullException.ThrowIfNull(owner);
        CheckOwner(owner);
        if (DeviceEntry.NameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
        if (Find(name) is not null) throw new ArgumentException($"The user already has a device named '{name}' (names are never reused).", nameof(name));
        if (FindByKey(signingKey) is { } same) throw new ArgumentException($"That node key is already {same}.", nameof(signingKey));
        if (signingKey.Length != Ed25519.PublicKeyLength || !Ed25519.IsValidPublicKey(signingKey)) throw new ArgumentException("A device signing key is a valid Ed25519 public key.", nameof(signingKey));
        if (encryptionKey.Length != X25519.PublicKeyLength) throw new ArgumentException("A device encryption key is 32 bytes.", nameof(encryptionKey));
        if (loginVerifier.Length != 32) throw new ArgumentException("A login verifier is 32 bytes.", nameof(loginVerifier));
        if (Devices.Count >= MaxEntries) throw new ArgumentException($"A device list names at most {MaxEntries} devices.", nameof(name));
        var entry = new DeviceEntry(NextIndex, name, signingKey.ToArray(), encryptionKey.ToArray(), loginVerifier.ToArray(), false);
        return Sign(owner.Signing, UserId, Number + 1, [.. Devices, entry]);
    }

    /// <summary>The successor in which the device <paramref name="name"/> is revoked.</summary>
    /// <exception cref="ArgumentException">When there is no such device, it is already revoked, or <paramref name="owner"/> did not sign this list.</exception>
    public DeviceList WithRevoked(UserKeys owner, string name)
    {
        ArgumentNullException.ThrowIfNull(owner);
        CheckOwner(owner);
        var device = Find(name) ?? throw new ArgumentException($"The user has no device named '{name}'; devices: {string.Join(", ", Devices.Select(d => d.Name))}.", nameof(name));
        if (device.Revoked) throw new ArgumentException($"The {device} is already revoked.", nameof(name));
        return Sign(owner.Signing, UserId, Number + 1, Devices.Select(d => d == device ? d with { Revoked = true } : d).ToList());
    }

    private void CheckOwner(UserKeys owner)
    {
        if (!owner.Signing.PublicKey.AsSpan().SequenceEqual(_encoded.AsSpan(OwnerOffset, Ed25519.PublicKeyLength)))
            throw new ArgumentException($"Device list {Number} belongs to another user key than {owner.Certificate.Address}'s.", nameof(owner));
    }

    /// <summary>Decodes a list; the signature is not checked here (see <see cref="Verify"/>).</summary>
    /// <exception cref="FormatException">With the reason, when the bytes are not a canonical list of this version.</exception>
    public static DeviceList Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < EntriesOffset + Ed25519.SignatureLength || encoded.Length > MaxEncodedLength)
            throw new FormatException($"A device list is {EntriesOffset + Ed25519.SignatureLength}..{MaxEncodedLength} bytes; this one has {encoded.Length}.");
        if (!encoded[..Magic.Length].SequenceEqual(Magic)) throw new FormatException("Not a device list: the EPDEVL prefix is missing.");
        if (encoded[Magic.Length] != Version) throw new FormatException($"Unknown device list version {encoded[Magic.Length]}; this node reads version {Version}.");
        var count = BinaryPrimitives.ReadUInt16BigEndian(encoded[CountOffset..]);
        if (count > MaxEntries) throw new FormatException($"A device list names at most {MaxEntries} devices; this one claims {count}.");
        var end = encoded.Length - Ed25519.SignatureLength;
        var at = EntriesOffset;
        var devices = new List<DeviceEntry>(count);
        for (var i = 0; i < count; i++)
        {
            if (end - at < EntryFixedLength) throw new FormatException($"Device list entry {i} is truncated.");
            var index = BinaryPrimitives.ReadUInt16BigEndian(encoded[at..]);
            var state = encoded[at + 2];
            if (state is not (1 or 2)) throw new FormatException($"Device list entry {i} has unknown state {state}.");
            var signing = encoded.Slice(at + 3, 32).ToArray();
            var encryption = encoded.Slice(at + 35, 32).ToArray();
            var verifier = encoded.Slice(at + 67, 32).ToArray();
            int nameLength = encoded[at + 99];
            at += EntryFixedLength;
            if (end - at < nameLength) throw new FormatException($"Device list entry {i}'s name is truncated.");
            var name = Encoding.ASCII.GetString(encoded.Slice(at, nameLength));
            at += nameLength;
            if (DeviceEntry.NameProblem(name) is { } problem) throw new FormatException($"Device list entry {i}: {problem}.");
            if (devices.Count > 0 && devices[^1].Index >= index) throw new FormatException("The device list's indices are not strictly ascending.");
            if (devices.Any(d => d.Name == name || d.SigningKey.AsSpan().SequenceEqual(signing) || d.EncryptionKey.AsSpan().SequenceEqual(encryption)))
                throw new FormatException($"Device list entry {i} repeats the name or a key of another device.");
            devices.Add(new DeviceEntry(index, name, signing, encryption, verifier, state == 2));
        }
        if (at != end) throw new FormatException($"The device list has {end - at} bytes after its last entry.");
        return new DeviceList(encoded.ToArray(), devices);
    }

    /// <summary>Like <see cref="Decode"/>, but false with the reason instead of an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out DeviceList? list, out string reason)
    {
        try
        {
            list = Decode(encoded);
            reason = "";
            return true;
        }
        catch (FormatException e)
        {
            list = null;
            reason = e.Message;
            return false;
        }
    }

    private static DeviceList Sign(Ed25519KeyPair owner, RingId userId, ulong number, IReadOnlyList<DeviceEntry> devices)
    {
        var length = EntriesOffset + devices.Sum(d => EntryFixedLength + d.Name.Length) + Ed25519.SignatureLength;
        var encoded = new byte[length];
        var span = encoded.AsSpan();
        Magic.CopyTo(span);
        span[Magic.Length] = Version;
        owner.PublicKey.CopyTo(span[OwnerOffset..]);
        userId.WriteBytes(span[UserIdOffset..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[NumberOffset..], number);
        BinaryPrimitives.WriteUInt16BigEndian(span[CountOffset..], (ushort)devices.Count);
        var at = EntriesOffset;
        foreach (var d in devices)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], d.Index);
            span[at + 2] = d.Revoked ? (byte)2 : (byte)1;
            d.SigningKey.CopyTo(span[(at + 3)..]);
            d.EncryptionKey.CopyTo(span[(at + 35)..]);
            d.LoginVerifier.CopyTo(span[(at + 67)..]);
            span[at + 99] = (byte)d.Name.Length;
            at += EntryFixedLength;
            Encoding.ASCII.GetBytes(d.Name, span[at..]);
            at += d.Name.Length;
        }
        owner.Sign(span[..^Ed25519.SignatureLength]).CopyTo(span[^Ed25519.SignatureLength..]);
        return new DeviceList(encoded, devices);
    }

    /// <summary>Number and devices, for logs.</summary>
    public override string ToString() => $"DeviceList({Number}: {string.Join(", ", Devices)})";
}
