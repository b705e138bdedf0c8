using Akka.Actor;
using Akka.Event;
using ePost.Core.Ids;
using ePost.Overlay.Node;
using ePost.Post.Identity;
using ePost.Post.Wire;

namespace ePost.Post.Mailbox;

/// <summary>
/// Live convergence between the user's devices: after this node pushed new records of a log to the ring it hints the
/// user's other online devices (from the presence list), which check that head at once instead of at the next
/// periodic head check; a hint from another device starts that check here.
/// </summary>
/// <remarks>
/// Hints are batched and rate-limited (<see cref="PostSettings.DeviceHintInterval"/>): the first goes out at once,
/// whatever moves during the next interval goes out together at its end. A received hint is checked (signature by
/// the user's key, the named user, the sending node is the authenticated peer) and heads this node already holds are
/// ignored; the others start a forced sync of the log, which reads the ring's head and fast-forwards or merges as the
/// periodic check would, so nothing in the hint is trusted but its timing. Every log has at most one sync running and
/// one more queued, whatever the number of hints.
/// </remarks>
public sealed partial class UserAgent
{
    private readonly Dictionary<string, HintedHead> _hintQueue = new(StringComparer.Ordinal);
    private bool _hintCooling;
    private long _hintsSent;
    private long _hintsHeeded;

    private void DeviceCommands()
    {
        Command<DeviceHintReceived>(OnDeviceHint);
        Command<HintCooled>(_ =>
        {
            _hintCooling = false;
            if (_hintQueue.Count > 0) SendHint();
        });
    }

    /// <summary>Queues a hint that <paramref name="head"/> is in the ring; sends it now unless a hint went out within the interval.</summary>
    private void HintDevices(HintedHead head)
    {
        _hintQueue[head.Label] = head;
        if (!_hintCooling) SendHint();
    }

    private void SendHint()
    {
        var heads = _hintQueue.Values.Take(LogHint.MaxHeads).ToList();
        foreach (var head in heads) _hintQueue.Remove(head.Label);
        _hintCooling = true;
        Timers.StartSingleTimer("device-hint", HintCooled.Instance, Settings.DeviceHintInterval);
        var ring = _services.Ring;
        var overlay = _services.Overlay;
        var keys = _keys;
        var timeout = Settings.RequestTimeout;
        Task.Run(async () =>
        {
            try
            {
                var self = (await overlay.Ask<NodeStatus>(GetNodeStatus.Instance, timeout).ConfigureAwait(false)).Self;
                var presence = await ring.LookupAsync(Presence.IdOf(keys.Signing.PublicKey), newest: true).ConfigureAwait(false);
                var others = Presence.Read(presence, keys.Signing.PublicKey).Where(n => n.Id != self.Id).ToList();
                if (others.Count == 0) return;
                var hint = new LogsChanged(keys.Certificate.Address, LogHint.Sign(keys.Signing, keys.Certificate.Address, self.Id, heads));
                foreach (var device in others) overlay.Tell(new SendTo(device, hint));
                Interlocked.Add(ref _hintsSent, others.Count);
            }
            catch (Exception)
            {
                // Only a hint: the other devices' periodic head checks find the change anyway.
            }
        });
    }

    private void OnDeviceHint(DeviceHintReceived received)
    {
        LogHint hint;
        try
        {
            hint = LogHint.Open(received.Hint);
        }
        catch (FormatException e)
        {
            _log.Warning("A log hint for {0} from {1} was refused: {2}", _keys.Certificate.Address, received.From.ToShortString(), e.Message);
            return;
        }
        // Until devices have keys of their own, only the user's key speaks for the user's devices.
        if (!hint.SignerKey.AsSpan().SequenceEqual(_keys.Signing.PublicKey) || hint.User != _keys.Certificate.Address || hint.Sender != received.From)
        {
            _log.Warning("A log hint for {0} from {1} was refused: not signed by the user for that node", _keys.Certificate.Address, received.From.ToShortString());
            return;
        }
        var heeded = false;
        foreach (var head in hint.Heads)
        {
            // A log this node does not know yet comes with the root log's change (folder created elsewhere).
            if (!_books.TryGetValue(head.Label, out var book) || book.Holds(head.Newest)) continue;
            heeded = true;
            StartSync(book, force: true);
        }
        if (heeded) _hintsHeeded++;
    }

    private sealed record HintCooled
    {
        public static readonly HintCooled Instance = new();
    }
}
