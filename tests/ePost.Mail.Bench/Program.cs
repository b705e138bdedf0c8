using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using ePost.Mail.Backend;
using ePost.Mail.Imap;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

// IMAP protocol benchmark (issue 7): SELECT and FETCH 1:* (FLAGS ENVELOPE) on a 10,000-message folder, and bulk body
// fetch in MB/s, MailKit against the real listener over loopback. Last output line: one JSON object.
// Usage: dotnet run -c Release --project tests/ePost.Mail.Bench -- [messages] [bulk-messages] [bulk-size-kb]
int messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
int bulkMessages = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
int bulkKb = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 512;

var alice = new MailUser("alice", "alice@ring.test");
var store = new InMemoryMailStore();
for (int i = 0; i < messages; i++) store.Deliver(alice, "INBOX", Message(i, 2 * 1024));
await store.CreateFolderAsync(alice, "Bulk", CancellationToken.None);
for (int i = 0; i < bulkMessages; i++) store.Deliver(alice, "Bulk", Message(i, bulkKb * 1024));

using var system = ActorSystem.Create("imap-bench", "akka.loglevel = WARNING");
var throttle = new LoginThrottle(LoginThrottleSettings.Default, system.Scheduler);
var factory = new ImapSessionFactory(new ImapSettings("localhost"), InMemoryUserDirectory.Standard(), store, throttle, system.Scheduler);
var listener = system.ActorOf(ListenerActor.Props(ListenerSettings.Loopback(), factory, null));
var bound = await listener.Ask<ListenerBound>(GetBinding.Instance, TimeSpan.FromSeconds(5));

using var client = new ImapClient();
await client.ConnectAsync("127.0.0.1", bound.Endpoint.Port, SecureSocketOptions.None);
await client.AuthenticateAsync("alice", "secret");

var clock = Stopwatch.StartNew();
await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
double selectMs = clock.Elapsed.TotalMilliseconds;

clock.Restart();
await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.UniqueId | MessageSummaryItems.Size);
double fetchFlagsMs = clock.Elapsed.TotalMilliseconds;

clock.Restart();
var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
double fetchEnvelopeMs = clock.Elapsed.TotalMilliseconds;
if (summaries.Count != messages) throw new InvalidOperationException($"fetched {summaries.Count} of {messages}");

// The same FETCH over a raw socket: the server's share without MailKit's parsing of the answer.
double rawEnvelopeMs, rawEnvelopeCpuMs;
using (var raw = new System.Net.Sockets.TcpClient())
{
    await raw.ConnectAsync(System.Net.IPAddress.Loopback, bound.Endpoint.Port);
    var stream = raw.GetStream();
    var reader = new StreamReader(stream, Encoding.UTF8);
    await reader.ReadLineAsync();
    await stream.WriteAsync("a1 LOGIN alice secret\r\na2 EXAMINE INBOX\r\n"u8.ToArray());
    while (!(await reader.ReadLineAsync())!.StartsWith("a2 ", StringComparison.Ordinal)) { }
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    clock.Restart();
    await stream.WriteAsync("a3 FETCH 1:* (FLAGS ENVELOPE)\r\n"u8.ToArray());
    while (!(await reader.ReadLineAsync())!.StartsWith("a3 ", StringComparison.Ordinal)) { }
    rawEnvelopeMs = clock.Elapsed.TotalMilliseconds;
    // CPU time is what the machine's load cannot inflate: the server's work plus this loop's line reading.
    rawEnvelopeCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
}

var bulk = (ImapFolder)(await client.GetFolderAsync("Bulk"));
await bulk.OpenAsync(FolderAccess.ReadOnly);
long bytes = 0;
clock.Restart();
await bulk.GetStreamsAsync(Enumerable.Range(1, bulkMessages).Select(i => new UniqueId((uint)i)).ToList(), async (_, _, _, stream, cancel) =>
{
    var buffer = new byte[81920];
    int read;
    while ((read = await stream.ReadAsync(buffer, cancel)) > 0) Interlocked.Add(ref bytes, read);
});
double bulkSeconds = clock.Elapsed.TotalSeconds;
await client.DisconnectAsync(quit: true);

Console.WriteLine(JsonSerializer.Serialize(new
{
    messages,
    select_ms = Math.Round(selectMs, 1),
    fetch_flags_uid_size_ms = Math.Round(fetchFlagsMs, 1),
    fetch_flags_envelope_ms = Math.Round(fetchEnvelopeMs, 1),
    raw_socket_fetch_flags_envelope_ms = Math.Round(rawEnvelopeMs, 1),
    raw_socket_fetch_flags_envelope_cpu_ms = Math.Round(rawEnvelopeCpuMs, 1),
    fetch_flags_envelope_per_message_us = Math.Round(fetchEnvelopeMs * 1000 / messages, 1),
    bulk_messages = bulkMessages,
    bulk_mb = Math.Round(bytes / 1e6, 1),
    bulk_mb_per_s = Math.Round(bytes / 1e6 / bulkSeconds, 1),
}));

static string Message(int i, int bodyBytes)
{
    var text = new StringBuilder();
    text.Append(CultureInfo.InvariantCulture, $"From: Sender {i} <sender{i}@example.org>\r\n");
    text.Append("To: Alice <alice@ring.test>\r\n");
    text.Append(CultureInfo.InvariantCulture, $"Subject: Message number {i} about the quarterly numbers\r\n");
    text.Append("Date: Mon, 06 Jan 2025 10:00:00 +0000\r\n");
    text.Append(CultureInfo.InvariantCulture, $"Message-ID: <m{i}@example.org>\r\n");
    text.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    var line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
    while (text.Length < bodyBytes) text.Append(line);
    return text.ToString();
}
