using System.Security.Cryptography;
using System.Text.Json;
using ePost.Mail.Backend;

namespace ePost.Mail.Spool;

/// <summary>
/// The durable submission spool: one file per message plus a JSON commit record, both fsync'd with their directories
/// before <see cref="AcceptAsync"/> returns. Layout under the root: <c>tmp/</c> (writes in progress),
/// <c>messages/&lt;id&gt;.eml</c>, <c>pending/&lt;id&gt;.json</c>, and <c>progress/&lt;id&gt;.json</c> (the delivery
/// agent's <see cref="DeliveryProgress"/>, replaced atomically). A message exists for delivery exactly when its pending
/// record exists; opening the spool removes whatever a crash left half-written.
/// </summary>
public sealed class FileSpool : ISubmissionSpool
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string temporary;
    private readonly string messages;
    private readonly string pending;
    private readonly string progress;

    /// <summary>Opens (creating if needed) the spool at <paramref name="root"/> and recovers from any interrupted write.</summary>
    public FileSpool(string root)
    {
        Root = root;
        temporary = Path.Combine(root, "tmp");
        messages = Path.Combine(root, "messages");
        pending = Path.Combine(root, "pending");
        progress = Path.Combine(root, "progress");
        foreach (var directory in new[] { temporary, messages, pending, progress }) Directory.CreateDirectory(directory);
        Recover();
    }

    /// <summary>The spool directory.</summary>
    public string Root { get; }

    /// <summary>Raised (on the accepting thread) after a message became durable; the delivery agent listens to start at once.</summary>
    public event Action<SpooledMessage>? Committed;

    /// <inheritdoc />
    public Task<string> AcceptAsync(SpoolEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellation) =>
        // fsync blocks its thread for milliseconds; keep that off the actor dispatcher.
        Task.Run(() =>
        {
            var record = Accept(envelope, message.Span);
            try
            {
                Committed?.Invoke(record);
            }
            catch (Exception)
            {
                // The message is durable and the periodic scan will find it; a listener's fault must not turn the
                // client's 250 into a 451 (it would send the message again).
            }
            return record.Id;
        }, cancellation);

    /// <summary>Messages accepted and not yet marked delivered, oldest first.</summary>
    public IReadOnlyList<SpooledMessage> ListPending()
    {
        var records = new List<SpooledMessage>();
        foreach (var path in Directory.EnumerateFiles(pending, "*.json"))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (FileNotFoundException)
            {
                continue; // delivered while we listed
            }
            var record = TryParse<SpooledMessage>(bytes);
            if (IsWhole(record, Path.GetFileNameWithoutExtension(path))) records.Add(record!);
            else Quarantine(Path.GetFileNameWithoutExtension(path));
        }
        return records.OrderBy(m => m.Envelope.ReceivedAt).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>True while the message waits for delivery.</summary>
    public bool IsPending(string id)
    {
        CheckId(id);
        return File.Exists(Path.Combine(pending, id + ".json"));
    }

    /// <summary>The delivery progress recorded for a pending message, or <see cref="DeliveryProgress.None"/>.</summary>
    public DeliveryProgress ReadProgress(string id)
    {
        CheckId(id);
        var path = Path.Combine(progress, id + ".json");
        if (!File.Exists(path)) return DeliveryProgress.None;
        // A damaged record (it is replaced atomically, so only the disk can damage it) means starting over: recipients
        // already done may get a second copy, but nobody loses the message.
        var record = TryParse<DeliveryProgress>(File.ReadAllBytes(path));
        return record is { Done: not null, LastErrors: not null } && record.Done.All(d => d is { Recipient: not null, Reply: not null })
            ? record
            : DeliveryProgress.None;
    }

    /// <summary>Durably replaces the delivery progress of a pending message (write, fsync, rename over the old one, fsync the directory).</summary>
    public void RecordProgress(string id, DeliveryProgress record)
    {
        CheckId(id);
        var scratch = Path.Combine(temporary, id + ".progress");
        WriteDurably(scratch, JsonSerializer.SerializeToUtf8Bytes(record, Json), replace: true);
        File.Move(scratch, Path.Combine(progress, id + ".json"), overwrite: true);
        DirectorySync.Flush(progress);
    }

    /// <summary>The bytes of a pending message, checked against the SHA-256 in its record.</summary>
    public byte[] Read(SpooledMessage message)
    {
        var bytes = File.ReadAllBytes(MessagePath(message.Id));
        if (bytes.Length != message.Size || !string.Equals(Core.Hashing.Sha256.HashHex(bytes), message.Sha256, StringComparison.Ordinal))
            throw new InvalidDataException($"Spooled message {message.Id} does not match its record.");
        return bytes;
    }

    /// <summary>Removes a message once it has been delivered to all its recipients; the record goes first.</summary>
    public void MarkDelivered(string id)
    {
        CheckId(id);
        File.Delete(Path.Combine(pending, id + ".json"));
        DirectorySync.Flush(pending);
        File.Delete(MessagePath(id));
        File.Delete(Path.Combine(progress, id + ".json"));
    }

    private SpooledMessage Accept(SpoolEnvelope envelope, ReadOnlySpan<byte> message)
    {
        var id = NewId(envelope.ReceivedAt);
        var record = new SpooledMessage(id, envelope, message.Length, Core.Hashing.Sha256.HashHex(message));

        WriteDurably(Path.Combine(temporary, id + ".eml"), message);
        File.Move(Path.Combine(temporary, id + ".eml"), MessagePath(id));
        DirectorySync.Flush(messages);

        // The rename of the record into pending/ is the commit point: before it the message does not exist.
        WriteDurably(Path.Combine(temporary, id + ".json"), JsonSerializer.SerializeToUtf8Bytes(record, Json));
        File.Move(Path.Combine(temporary, id + ".json"), Path.Combine(pending, id + ".json"));
        DirectorySync.Flush(pending);
        return record;
    }

    /// <summary>Where records that cannot be read are moved, with their message, for an operator to look at.</summary>
    public string DamagedDirectory => Path.Combine(Root, "damaged");

    private void Quarantine(string id)
    {
        // Left in pending/ a record that cannot be parsed would fail every listing; it is set aside instead.
        Directory.CreateDirectory(DamagedDirectory);
        foreach (var (from, name) in new[] { (Path.Combine(pending, id + ".json"), id + ".json"), (MessagePath(id), id + ".eml") })
        {
            if (File.Exists(from)) File.Move(from, Path.Combine(DamagedDirectory, name), overwrite: true);
        }
        DirectorySync.Flush(pending);
    }

    // JSON leaves missing members null whatever the nullable annotations say; a record is usable only when complete.
    private static bool IsWhole(SpooledMessage? record, string id) =>
        record is { Envelope: { Sender: not null, Recipients: not null, Client: not null } } && record.Id == id && record.Sha256 is not null
        && record.Envelope.Recipients.All(r => r is not null);

    private static T? TryParse<T>(byte[] bytes) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Recover()
    {
        foreach (var leftover in Directory.EnumerateFiles(temporary)) File.Delete(leftover);
        var committed = Directory.EnumerateFiles(pending, "*.json").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(messages, "*.eml"))
        {
            // A message file without a record was never acknowledged (or was delivered): nobody waits for it.
            if (!committed.Contains(Path.GetFileNameWithoutExtension(file))) File.Delete(file);
        }
        foreach (var file in Directory.EnumerateFiles(progress, "*.json"))
        {
            if (!committed.Contains(Path.GetFileNameWithoutExtension(file))) File.Delete(file);
        }
    }

    /// <summary>Writes and fsyncs a file (the caller renames it into place and flushes the directory).</summary>
    internal static void WriteDurably(string path, ReadOnlySpan<byte> bytes, bool replace = false)
    {
        using var file = new FileStream(path, replace ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }

    private string MessagePath(string id) => Path.Combine(messages, id + ".eml");

    private static string NewId(DateTimeOffset receivedAt) =>
        $"{receivedAt.UtcDateTime:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";

    private static void CheckId(string id)
    {
        // Ids come from NewId; anything else could walk out of the spool directory.
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException($"Not a spool id: '{id}'.", nameof(id));
    }
}
