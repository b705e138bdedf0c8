using System.Text.Json;
using ePost.Mail.Spool;

namespace ePost.Mail.Delivery;

/// <summary>
/// What the sender's node remembers about each ring delivery a local user made, until the recipient's receipt has
/// done its work: which Sent copy to mark <c>$Delivered</c>, and whether (and how) to report success. One JSON file
/// per delivery under <c>receipts/</c> in the spool, written durably before POST is given the message, so a receipt
/// can never arrive before its record.
/// </summary>
public sealed class ReceiptBook
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string directory;
    private readonly string temporary;

    /// <summary>The book under <paramref name="spoolRoot"/>.</summary>
    public ReceiptBook(string spoolRoot)
    {
        directory = Path.Combine(spoolRoot, "receipts");
        temporary = Path.Combine(spoolRoot, "tmp");
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(temporary);
    }

    /// <summary>Durably writes (or replaces) a record.</summary>
    public void Write(AwaitedReceipt record)
    {
        var path = PathOf(record.DeliveryId) ?? throw new ArgumentException($"Not a delivery id: '{record.DeliveryId}'.", nameof(record));
        var scratch = Path.Combine(temporary, record.DeliveryId + ".receipt");
        FileSpool.WriteDurably(scratch, JsonSerializer.SerializeToUtf8Bytes(record, Json), replace: true);
        File.Move(scratch, path, overwrite: true);
        DirectorySync.Flush(directory);
    }

    /// <summary>The record of a delivery, or null: none, or <paramref name="deliveryId"/> is not one this node makes (it comes from a peer's receipt).</summary>
    public AwaitedReceipt? Find(string deliveryId)
    {
        var path = PathOf(deliveryId);
        if (path is null || !File.Exists(path)) return null;
        try
        {
            return Whole(JsonSerializer.Deserialize<AwaitedReceipt>(File.ReadAllBytes(path), Json));
        }
        catch (Exception e) when (e is JsonException or FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every record, in no particular order; damaged ones are skipped.</summary>
    public IReadOnlyList<AwaitedReceipt> List() =>
        Directory.EnumerateFiles(directory, "*.json").Select(f => Find(Path.GetFileNameWithoutExtension(f))).OfType<AwaitedReceipt>().ToList();

    /// <summary>Forgets a delivery.</summary>
    public void Remove(string deliveryId)
    {
        if (PathOf(deliveryId) is { } path) File.Delete(path);
    }

    // Delivery ids of this node are SHA-256 hex (DeliveryAttempt.DeliveryId); nothing else may name a file.
    private string? PathOf(string deliveryId) =>
        deliveryId.Length == 64 && deliveryId.All(char.IsAsciiHexDigitLower) ? Path.Combine(directory, deliveryId + ".json") : null;

    // JSON leaves missing members null whatever the annotations say.
    private static AwaitedReceipt? Whole(AwaitedReceipt? record) =>
        record is { DeliveryId: not null, SpoolId: not null, Sender: not null, UserName: not null, Recipient: not null } ? record : null;
}

/// <summary>A ring delivery whose receipt the sender's node waits for.</summary>
/// <param name="DeliveryId">The POST delivery id (one per message and recipient).</param>
/// <param name="SpoolId">The spooled message (the DSN's queue id).</param>
/// <param name="Sender">The envelope sender, a local user.</param>
/// <param name="UserName">The sender's login name.</param>
/// <param name="Recipient">The envelope recipient, whose key must sign the receipt.</param>
/// <param name="MessageId">The message's Message-ID (without angle brackets), which finds the client's Sent copy; null when it has none.</param>
/// <param name="ArrivalDate">When this node accepted the message.</param>
/// <param name="CreatedAt">When the record was written (records whose receipt never comes expire).</param>
public sealed record AwaitedReceipt(string DeliveryId, string SpoolId, string Sender, string UserName, string Recipient, string? MessageId,
    DateTimeOffset ArrivalDate, DateTimeOffset CreatedAt)
{
    /// <summary>NOTIFY included SUCCESS: a DSN goes to the sender's INBOX.</summary>
    public bool WantsReport { get; init; }

    /// <summary>ENVID, echoed in the DSN.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>ORCPT, echoed in the DSN.</summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>The message's headers, returned in the DSN (only kept when a report is wanted).</summary>
    public byte[]? Headers { get; init; }

    /// <summary>Once a verified receipt arrived: when the recipient's node filed the message.</summary>
    public DateTimeOffset? FiledAt { get; init; }

    /// <summary>The DSN is in the spool (it is sent once).</summary>
    public bool ReportSpooled { get; init; }
}
