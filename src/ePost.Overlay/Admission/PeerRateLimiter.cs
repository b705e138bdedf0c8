namespace ePost.Overlay.Admission;

/// <summary>
/// Token buckets per peer, one for messages and one for bytes: each refills at its rate up to its burst, and a
/// message that finds either bucket short is refused. State is bounded: at most <c>maxPeers</c> peers are tracked,
/// the least recently heard one forgotten first (a forgotten peer starts again with full buckets, so forgetting
/// never throttles an honest peer, and a peer can only gain its burst back by being quiet).
/// </summary>
/// <remarks>Plain state driven with the caller's clock, so the engine, the simulator and tests share it.</remarks>
public sealed class PeerRateLimiter
{
    private readonly double _messagesPerSecond;
    private readonly double _messageBurst;
    private readonly double _bytesPerSecond;
    private readonly double _byteBurst;
    private readonly int _maxPeers;
    private readonly Dictionary<string, LinkedListNode<Bucket>> _byPeer = new(StringComparer.Ordinal);
    private readonly LinkedList<Bucket> _recent = new();

    /// <summary>Creates a limiter; a rate of 0 turns that bucket off.</summary>
    public PeerRateLimiter(double messagesPerSecond, double messageBurst, double bytesPerSecond, double byteBurst, int maxPeers)
    {
        if (messagesPerSecond < 0 || messageBurst < 1 || bytesPerSecond < 0 || byteBurst < 1 || maxPeers < 1)
            throw new ArgumentOutOfRangeException(nameof(maxPeers), "Rates must be >= 0, bursts >= 1 and max-peers >= 1.");
        _messagesPerSecond = messagesPerSecond;
        _messageBurst = messageBurst;
        _bytesPerSecond = bytesPerSecond;
        _byteBurst = byteBurst;
        _maxPeers = maxPeers;
    }

    /// <summary>Peers tracked now.</summary>
    public int TrackedPeers => _byPeer.Count;

    /// <summary>
    /// Takes one message of <paramref name="bytes"/> from <paramref name="peer"/>'s buckets at <paramref name="now"/>;
    /// false (and nothing taken) when either bucket is short.
    /// </summary>
    public bool TryTake(string peer, long bytes, TimeSpan now)
    {
        if (_byPeer.TryGetValue(peer, out var node)) _recent.Remove(node);
        else
        {
            ForgetRefilled(now);
            if (_byPeer.Count >= _maxPeers)
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _byPeer.Remove(oldest.Value.Peer);
            }
            node = new LinkedListNode<Bucket>(new Bucket(peer, _messageBurst, _byteBurst, now));
            _byPeer[peer] = node;
        }
        _recent.AddFirst(node);
        var bucket = node.Value;
        var elapsed = Math.Max(0, (now - bucket.At).TotalSeconds);
        bucket.At = now;
        bucket.Messages = Math.Min(_messageBurst, bucket.Messages + elapsed * _messagesPerSecond);
        bucket.Bytes = Math.Min(_byteBurst, bucket.Bytes + elapsed * _bytesPerSecond);
        // A message larger than the whole byte burst would never pass: it passes on a full bucket and empties it.
        var cost = Math.Min(bytes, _byteBurst);
        if ((_messagesPerSecond > 0 && bucket.Messages < 1) || (_bytesPerSecond > 0 && bucket.Bytes < cost)) return false;
        if (_messagesPerSecond > 0) bucket.Messages -= 1;
        if (_bytesPerSecond > 0) bucket.Bytes -= cost;
        return true;
    }

    /// <summary>
    /// Forgets the least recently heard peers whose buckets have refilled to their bursts by <paramref name="now"/>: a
    /// forgotten peer starts again with full buckets, so this changes no answer, and a node that hears from thousands
    /// of peers once (a ring being built) does not keep a bucket for each. Two at most per new peer, so the work per
    /// call stays constant and the list still shrinks.
    /// </summary>
    private void ForgetRefilled(TimeSpan now)
    {
        for (var i = 0; i < 2 && _recent.Last is { } oldest && IsRefilled(oldest.Value, now); i++)
        {
            _recent.RemoveLast();
            _byPeer.Remove(oldest.Value.Peer);
        }
    }

    private bool IsRefilled(Bucket bucket, TimeSpan now)
    {
        var elapsed = (now - bucket.At).TotalSeconds;
        return (_messagesPerSecond == 0 || bucket.Messages + elapsed * _messagesPerSecond >= _messageBurst)
            && (_bytesPerSecond == 0 || bucket.Bytes + elapsed * _bytesPerSecond >= _byteBurst);
    }

    private sealed class Bucket(string peer, double messages, double bytes, TimeSpan at)
    {
        public string Peer { get; } = peer;
        public double Messages { get; set; } = messages;
        public double Bytes { get; set; } = bytes;
        public TimeSpan At { get; set; } = at;
    }
}
