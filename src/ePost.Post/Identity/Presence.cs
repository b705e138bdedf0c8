using ePost.Core.Crypto;
using ePost.Core.Ids;
using ePost.Overlay;
using ePost.Post.Binary;
using ePost.Storage.Objects;

namespace ePost.Post.Identity;

/// <summary>
/// Which node serves a user now: a signed object of the user's (label "presence") naming the node. Senders read it to
/// hint the recipient's node directly; it is only ever a hint, so its age matters little and no clock is compared.
/// </summary>
public static class Presence
{
    /// <summary>The label of a user's presence object.</summary>
    public const string Label = "presence";

    /// <summary>The ring id of the presence object of the user with this signing key.</summary>
    public static RingId IdOf(ReadOnlySpan<byte> signingPublicKey) => SignedObject.IdFor(signingPublicKey, Label);

    /// <summary>Signs version <paramref name="version"/> of the user's presence at <paramref name="node"/>.</summary>
    public static SignedObject Create(UserKeys user, NodeHandle node, ulong version)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(node);
        var payload = new FieldWriter().Raw(node.Id.ToBytes()).Text(node.Address).Int64(node.Epoch).ToArray();
        return SignedObject.Create(user.Signing, Label, version, payload);
    }

    /// <summary>The node a presence object names, or null when it is not a valid presence of the user with <paramref name="signingPublicKey"/>.</summary>
    public static NodeHandle? Read(StoredObject? value, ReadOnlySpan<byte> signingPublicKey)
    {
        if (value is not SignedObject signed || signed.Label != Label || !signed.OwnerKey.Span.SequenceEqual(signingPublicKey)
            || !signed.IdMatchesOwner() || !signed.SignatureIsValid())
            return null;
        try
        {
            var reader = new FieldReader(signed.Payload.Span, "presence");
            var id = RingId.FromBytes(reader.Raw(RingId.ByteLength));
            var address = reader.Text(1024);
            var epoch = reader.Int64();
            reader.End();
            return new NodeHandle(id, address, epoch);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
