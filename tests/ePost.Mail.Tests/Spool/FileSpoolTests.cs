using System.Text;
using ePost.Mail.Backend;
using ePost.Mail.Spool;

namespace ePost.Mail.Tests.Spool;

public sealed class FileSpoolTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "epost-spool-" + Guid.NewGuid().ToString("N"));
    private static readonly SpoolEnvelope Envelope = new("alice@ring.test", ["bob@ring.test", "x@example.org"], "alice", "127.0.0.1",
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task An_accepted_message_survives_reopening_the_spool()
    {
        var id = await new FileSpool(root).AcceptAsync(Envelope, "Subject: x\r\n\r\nhi\r\n"u8.ToArray(), CancellationToken.None);
        var reopened = new FileSpool(root);
        var pending = Assert.Single(reopened.ListPending());
        Assert.Equal(id, pending.Id);
        Assert.Equal(Envelope.Recipients, pending.Envelope.Recipients);
        Assert.Equal(Envelope.ReceivedAt, pending.Envelope.ReceivedAt);
        Assert.Equal("Subject: x\r\n\r\nhi\r\n", Encoding.UTF8.GetString(reopened.Read(pending)));
    }

    [Fact]
    public async Task Delivered_messages_are_gone_after_reopening()
    {
        var spool = new FileSpool(root);
        var first = await spool.AcceptAsync(Envelope, "one"u8.ToArray(), CancellationToken.None);
        var second = await spool.AcceptAsync(Envelope, "two"u8.ToArray(), CancellationToken.None);
        spool.MarkDelivered(first);
        Assert.Equal([second], new FileSpool(root).ListPending().Select(m => m.Id));
        Assert.Single(Directory.GetFiles(Path.Combine(root, "messages")));
    }

    [Fact]
    public void Half_written_files_from_a_crash_are_removed_on_open()
    {
        new FileSpool(root);
        File.WriteAllText(Path.Combine(root, "tmp", "20250102030405-aa.eml"), "partial");
        File.WriteAllText(Path.Combine(root, "messages", "20250102030405-bb.eml"), "never committed");
        var spool = new FileSpool(root);
        Assert.Empty(spool.ListPending());
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "tmp")));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "messages")));
    }

    [Fact]
    public async Task A_corrupted_message_file_is_detected_by_its_hash()
    {
        var spool = new FileSpool(root);
        var id = await spool.AcceptAsync(Envelope, "original"u8.ToArray(), CancellationToken.None);
        File.WriteAllText(Path.Combine(root, "messages", id + ".eml"), "tampered");
        Assert.Throws<InvalidDataException>(() => spool.Read(Assert.Single(spool.ListPending())));
    }

    [Fact]
    public void Ids_that_could_escape_the_spool_are_rejected()
    {
        var spool = new FileSpool(root);
        Assert.Throws<ArgumentException>(() => spool.MarkDelivered("../../etc/passwd"));
        Assert.Throws<ArgumentException>(() => spool.ReadProgress("../pending/x"));
        Assert.Throws<ArgumentException>(() => spool.RecordProgress("a/b", DeliveryProgress.None));
        Assert.Throws<ArgumentException>(() => spool.IsPending(""));
    }

    [Fact]
    public async Task Delivery_progress_survives_reopening_and_leaves_with_the_message()
    {
        var spool = new FileSpool(root);
        var id = await spool.AcceptAsync(Envelope, "one"u8.ToArray(), CancellationToken.None);
        Assert.Same(DeliveryProgress.None, spool.ReadProgress(id));
        var next = Envelope.ReceivedAt.AddMinutes(5);
        spool.RecordProgress(id, new DeliveryProgress(1, next, [new RecipientProgress("bob@ring.test", true, "250 2.0.0 ok")],
            new Dictionary<string, string> { ["x@example.org"] = "451 4.4.1 relay down" }));
        spool.RecordProgress(id, new DeliveryProgress(2, next, [new RecipientProgress("bob@ring.test", true, "250 2.0.0 ok")],
            new Dictionary<string, string> { ["x@example.org"] = "451 4.4.1 relay still down" }));

        var reopened = new FileSpool(root);
        var progress = reopened.ReadProgress(id);
        Assert.Equal(2, progress.Attempts);
        Assert.Equal(next, progress.NextAttemptAt);
        Assert.True(progress.IsDone("BOB@ring.test"));
        Assert.False(progress.IsDone("x@example.org"));
        Assert.Equal("451 4.4.1 relay still down", progress.LastErrors["x@example.org"]);
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "tmp")));

        reopened.MarkDelivered(id);
        Assert.False(reopened.IsPending(id));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "progress")));
    }

    [Fact]
    public void A_progress_record_without_its_message_is_removed_on_open()
    {
        new FileSpool(root);
        File.WriteAllText(Path.Combine(root, "progress", "20250102030405-0011223344556677.json"), "{}");
        new FileSpool(root);
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "progress")));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"20250102030405-0011223344556677\",\"size\":3,\"sha256\":\"00\"}")]
    [InlineData("{\"id\":\"another-id\",\"envelope\":{\"sender\":\"\",\"recipients\":[],\"client\":\"x\"},\"size\":3,\"sha256\":\"00\"}")]
    [InlineData("{\"id\":\"20250102030405-0011223344556677\",\"envelope\":{\"sender\":\"\",\"recipients\":[null],\"client\":\"x\"},\"size\":3,\"sha256\":\"00\"}")]
    public async Task A_damaged_pending_record_is_set_aside_with_its_message_and_the_others_still_list(string damaged)
    {
        var spool = new FileSpool(root);
        var good = await spool.AcceptAsync(Envelope, "one"u8.ToArray(), CancellationToken.None);
        const string bad = "20250102030405-0011223344556677";
        File.WriteAllText(Path.Combine(root, "pending", bad + ".json"), damaged);
        File.WriteAllText(Path.Combine(root, "messages", bad + ".eml"), "two");

        Assert.Equal([good], spool.ListPending().Select(m => m.Id));
        Assert.Equal([bad + ".eml", bad + ".json"], Directory.GetFiles(spool.DamagedDirectory).Select(Path.GetFileName).Order());
        Assert.Equal([good], new FileSpool(root).ListPending().Select(m => m.Id));
    }

    [Theory]
    [InlineData("{\"attempts\":")]
    [InlineData("{\"attempts\":1}")]
    [InlineData("{\"attempts\":1,\"done\":[null],\"lastErrors\":{}}")]
    [InlineData("{\"attempts\":1,\"done\":[{\"delivered\":true}],\"lastErrors\":{}}")]
    public async Task A_damaged_progress_record_reads_as_no_progress(string damaged)
    {
        var spool = new FileSpool(root);
        var id = await spool.AcceptAsync(Envelope, "one"u8.ToArray(), CancellationToken.None);
        File.WriteAllText(Path.Combine(root, "progress", id + ".json"), damaged);
        Assert.Same(DeliveryProgress.None, spool.ReadProgress(id));
    }

    [Fact]
    public async Task Committed_is_raised_once_the_message_is_durable()
    {
        var spool = new FileSpool(root);
        var seen = new List<SpooledMessage>();
        spool.Committed += message => seen.Add(message with { });
        var id = await spool.AcceptAsync(Envelope, "one"u8.ToArray(), CancellationToken.None);
        var committed = Assert.Single(seen);
        Assert.Equal(id, committed.Id);
        Assert.True(spool.IsPending(id));
    }
}
