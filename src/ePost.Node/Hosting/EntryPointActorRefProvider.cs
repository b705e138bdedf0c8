using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Akka.Event;
using Akka.Remote;

namespace ePost.Node.Hosting;

/// <summary>
/// Akka.Remote's provider, except that a message arriving from the network can reach only the actors named in
/// <c>epost.transport.addressable-paths</c> (the overlay's entry point on a node, the reply slots of a tool's asks).
/// </summary>
/// <remarks>
/// Untrusted mode alone leaves holes: a peer that builds a remote ref from a path string reaches every local actor
/// with ordinary messages, <see cref="Kill"/> is not "possibly harmful" so it stops its target, and system messages
/// such as <c>Suspend</c> or <c>Watch</c> are delivered. Akka resolves every inbound recipient and sender path through
/// <see cref="IRemoteActorRefProvider.ResolveActorRefWithLocalAddress"/>; here any local path that is not addressable
/// becomes a ref that drops and counts what it is sent, and an addressable one becomes a <see cref="EntryPointRef"/>
/// that passes on user messages only. The root guardian takes actor selections only (untrusted mode delivers only
/// those to <c>akka.remote.trusted-selection-paths</c>): a <see cref="Kill"/> sent to it would stop the whole system.
/// </remarks>
public sealed class EntryPointActorRefProvider : RemoteActorRefProvider, IRemoteActorRefProvider
{
    private const int MaxCachedEntryPoints = 1024;
    private readonly string[] _addressable;
    private readonly ConcurrentDictionary<IInternalActorRef, EntryPointRef> _entryPoints = new();
    private readonly RefusingRef _refused;
    private EntryPointRef? _root;
    private long _refusedCount;

    /// <summary>Created by Akka from <c>akka.actor.provider</c>.</summary>
    public EntryPointActorRefProvider(string systemName, Settings settings, EventStream eventStream) : base(systemName, settings, eventStream)
    {
        var paths = settings.Config.GetStringList("epost.transport.addressable-paths");
        if (paths is null || paths.Count == 0 || paths.Any(p => !p.StartsWith('/') || p.EndsWith('/')))
            throw new ConfigurationException("epost.transport.addressable-paths must list absolute actor paths such as \"/user/node/overlay\".");
        _addressable = paths.ToArray();
        _refused = new RefusingRef(this);
    }

    /// <summary>Messages from the network dropped because they named an actor that is not addressable, or were system messages, <see cref="Kill"/> or <see cref="PoisonPill"/>.</summary>
    public long Refused => Interlocked.Read(ref _refusedCount);

    /// <summary>The actor paths (without address) a remote sender may reach: each entry and its descendants.</summary>
    public IReadOnlyList<string> AddressablePaths => _addressable;

    /// <summary>Resolves an inbound recipient or sender path: remote paths as usual, local ones only when addressable.</summary>
    public new IInternalActorRef ResolveActorRefWithLocalAddress(string path, Address localAddress)
    {
        var resolved = base.ResolveActorRefWithLocalAddress(path, localAddress);
        if (resolved is RemoteActorRef) return resolved;
        if (ReferenceEquals(resolved, RootGuardian)) return _root ??= new EntryPointRef(this, RootGuardian, selectionsOnly: true);
        if (_entryPoints.TryGetValue(resolved, out var entry)) return entry;
        if (!IsAddressable(resolved.Path)) return _refused;
        if (_entryPoints.Count >= MaxCachedEntryPoints) _entryPoints.Clear();
        return _entryPoints.GetOrAdd(resolved, target => new EntryPointRef(this, target));
    }

    private bool IsAddressable(ActorPath path)
    {
        // Dead letters and refs that were not found resolve to Akka's own singletons; none is addressable.
        var local = path.ToStringWithoutAddress();
        foreach (var allowed in _addressable)
            if (local.Length == allowed.Length ? local == allowed : local.StartsWith(allowed + "/", StringComparison.Ordinal))
                return true;
        return false;
    }

    private void CountRefused() => Interlocked.Increment(ref _refusedCount);

    /// <summary>
    /// An addressable actor as a remote sender sees it: user messages go through, system messages and the messages
    /// that stop an actor (<see cref="Kill"/>, <see cref="PoisonPill"/>) are dropped and counted.
    /// </summary>
    /// <remarks>
    /// As the root guardian (<paramref name="selectionsOnly"/>) it passes actor selections only, which Akka hands it
    /// after untrusted mode has checked their path; the root guardian walks them down to their target.
    /// </remarks>
    private sealed class EntryPointRef(EntryPointActorRefProvider provider, IInternalActorRef target, bool selectionsOnly = false) : MinimalActorRef
    {
        public override ActorPath Path => target.Path;

        public override IActorRefProvider Provider => provider;

        protected override void TellInternal(object message, IActorRef sender)
        {
            var passes = selectionsOnly
                ? message is ActorSelectionMessage
                : message is not (Kill or PoisonPill or IPossiblyHarmful or ISystemMessage);
            if (passes) target.Tell(message, sender);
            else provider.CountRefused();
        }

        public override void SendSystemMessage(ISystemMessage message) => provider.CountRefused();
    }

    /// <summary>What every non-addressable local path resolves to for a remote sender: drops and counts.</summary>
    private sealed class RefusingRef(EntryPointActorRefProvider provider) : MinimalActorRef
    {
        private ActorPath? _path;

        // The address is known only once the transport is up, so the path is made on first use.
        public override ActorPath Path => _path ??= provider.RootPath / "refused";

        public override IActorRefProvider Provider => provider;

        protected override void TellInternal(object message, IActorRef sender) => provider.CountRefused();

        public override void SendSystemMessage(ISystemMessage message) => provider.CountRefused();
    }
}
