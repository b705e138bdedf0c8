using System.Collections.Concurrent;
using ePost.Mail.Backend;

namespace ePost.Mail.Tests.Fixtures;

/// <summary>
/// Test fixture: IRingDelivery that files each delivery id once (as POST promises) and records every call, with
/// scripted failures per recipient. The real implementation is POST over the ring.
/// </summary>
public sealed class RecordingRingDelivery : IRingDelivery
{
    private readonly ConcurrentDictionary<string, Queue<Exception>> failures = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> lostAcknowledgements = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every call, in order: delivery id and recipient.</summary>
    public ConcurrentQueue<(string DeliveryId, string Recipient)> Calls { get; } = new();

    /// <summary>What was filed, by delivery id (a retried id is filed once).</summary>
    public ConcurrentDictionary<string, (string Sender, string Recipient, byte[] Message)> Filed { get; } = new(StringComparer.Ordinal);

    /// <summary>The messages filed for a recipient.</summary>
    public IReadOnlyList<(string Sender, byte[] Message)> FiledFor(string recipient) =>
        Filed.Values.Where(f => string.Equals(f.Recipient, recipient, StringComparison.OrdinalIgnoreCase)).Select(f => (f.Sender, f.Message)).ToList();

    /// <summary>When set, every call waits for this task before filing (to hold deliveries in flight).</summary>
    public Task? Hold { get; set; }

    /// <summary>The next calls for <paramref name="recipient"/> fail with these, in order, before deliveries succeed.</summary>
    public void FailNext(string recipient, params Exception[] errors) =>
        failures[recipient] = new Queue<Exception>(errors);

    /// <summary>The next <paramref name="times"/> calls for the recipient file the message, then fail as if the acknowledgement was lost.</summary>
    public void LoseAcknowledgement(string recipient, int times = 1) => lostAcknowledgements[recipient] = times;

    /// <inheritdoc />
    public async Task DeliverAsync(string deliveryId, string sender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        Calls.Enqueue((deliveryId, recipient));
        if (Hold is not null) await Hold;
        await FileOnce(deliveryId, sender, recipient, message);
    }

    /// <summary>The delivery ids delivered as gateway mail (not submitted by a user of the node).</summary>
    public ConcurrentBag<string> FromGateway { get; } = new();

    /// <inheritdoc />
    public async Task DeliverFromGatewayAsync(string deliveryId, string sender, string recipient, ReadOnlyMemory<byte> message, CancellationToken cancellation)
    {
        FromGateway.Add(deliveryId);
        await DeliverAsync(deliveryId, sender, recipient, message, cancellation);
    }

    private Task FileOnce(string deliveryId, string sender, string recipient, ReadOnlyMemory<byte> message)
    {
        if (failures.TryGetValue(recipient, out var queue) && queue.TryDequeue(out var error)) return Task.FromException(error);
        Filed.TryAdd(deliveryId, (sender, recipient, message.ToArray()));
        if (lostAcknowledgements.TryGetValue(recipient, out var lost) && lost > 0)
        {
            lostAcknowledgements[recipient] = lost - 1;
            return Task.FromException(new TimeoutException("acknowledgement from the ring timed out"));
        }
        return Task.CompletedTask;
    }
}
