using System.Collections.Immutable;

namespace ePost.Post.Logs;

/// <summary>The state of a user's root log: folders by id, subscribed names, and the next UIDVALIDITY to hand out.</summary>
/// <remarks>
/// Folder names are unique (compared ordinally; the mail layer maps IMAP's case-insensitive INBOX onto one spelling).
/// Equality is by value.
/// </remarks>
public sealed class RootLogState : IEquatable<RootLogState>
{
    private readonly ImmutableDictionary<string, ulong> _idsByName;

    private RootLogState(ImmutableSortedDictionary<ulong, RootFolder> folders, ImmutableDictionary<string, ulong> idsByName,
        ImmutableSortedSet<string> subscriptions, uint nextUidValidity)
    {
        Folders = folders;
        _idsByName = idsByName;
        Subscriptions = subscriptions;
        NextUidValidity = nextUidValidity;
    }

    /// <summary>An empty root: no folders, no subscriptions, UIDVALIDITY counting from 1.</summary>
    public static RootLogState Empty { get; } = new(
        ImmutableSortedDictionary<ulong, RootFolder>.Empty, ImmutableDictionary.Create<string, ulong>(StringComparer.Ordinal),
        ImmutableSortedSet.Create<string>(StringComparer.Ordinal), 1);

    /// <summary>The folders by id, ascending.</summary>
    public ImmutableSortedDictionary<ulong, RootFolder> Folders { get; }

    /// <summary>Subscribed mailbox names (they need not exist, as IMAP allows).</summary>
    public ImmutableSortedSet<string> Subscriptions { get; }

    /// <summary>A hint for the UIDVALIDITY of the next folder: above that of every folder ever created.</summary>
    public uint NextUidValidity { get; }

    /// <summary>A state from its parts, checked: folder names unique and nonempty, UIDVALIDITY nonzero and below the hint.</summary>
    /// <exception cref="LogFormatException">The parts do not form a consistent state.</exception>
    public static RootLogState Create(IEnumerable<KeyValuePair<ulong, RootFolder>> folders, IEnumerable<string> subscriptions,
        uint nextUidValidity)
    {
        var state = Empty;
        foreach (var (id, folder) in folders)
        {
            if (state.Folders.ContainsKey(id))
                throw new LogFormatException($"Root state lists folder id {id} twice.");
            state = state.WithFolder(id, folder);
        }
        if (nextUidValidity < state.NextUidValidity)
            throw new LogFormatException($"Root state hints UIDVALIDITY {nextUidValidity} but a folder already has UIDVALIDITY {state.NextUidValidity - 1}.");
        return new(state.Folders, state._idsByName, subscriptions.ToImmutableSortedSet(StringComparer.Ordinal), nextUidValidity);
    }

    /// <summary>The id of the folder named <paramref name="name"/>, if there is one.</summary>
    public ulong? FolderIdOf(string name) => _idsByName.TryGetValue(name, out var id) ? id : null;

    /// <summary>This state with folder <paramref name="id"/> added or renamed; the name must be free (or already its own).</summary>
    internal RootLogState WithFolder(ulong id, RootFolder folder)
    {
        if (folder.Name.Length == 0)
            throw new LogFormatException($"Folder {id} has an empty name.");
        if (folder.UidValidity == 0)
            throw new LogFormatException($"Folder {id} has UIDVALIDITY 0.");
        if (_idsByName.TryGetValue(folder.Name, out var holder) && holder != id)
            throw new LogFormatException($"Folder name \"{folder.Name}\" is already used by folder {holder}.");
        var names = Folders.TryGetValue(id, out var old) ? _idsByName.Remove(old.Name) : _idsByName;
        var next = folder.UidValidity == uint.MaxValue ? uint.MaxValue : Math.Max(NextUidValidity, folder.UidValidity + 1);
        return new(Folders.SetItem(id, folder), names.SetItem(folder.Name, id), Subscriptions, next);
    }

    internal RootLogState WithoutFolder(ulong id) =>
        Folders.TryGetValue(id, out var old)
            ? new(Folders.Remove(id), _idsByName.Remove(old.Name), Subscriptions, NextUidValidity)
            : this;

    internal RootLogState WithSubscriptions(ImmutableSortedSet<string> subscriptions) =>
        new(Folders, _idsByName, subscriptions, NextUidValidity);

    internal RootLogState WithNextUidValidity(uint next) => new(Folders, _idsByName, Subscriptions, next);

    /// <inheritdoc />
    public bool Equals(RootLogState? other) =>
        other is not null && NextUidValidity == other.NextUidValidity && Folders.Count == other.Folders.Count
        && Folders.All(folder => other.Folders.TryGetValue(folder.Key, out var same) && same == folder.Value)
        && Subscriptions.SetEquals(other.Subscriptions);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RootLogState);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(NextUidValidity, Folders.Count, Subscriptions.Count);

    /// <inheritdoc />
    public override string ToString() => $"Root({Folders.Count} folders, {Subscriptions.Count} subscriptions)";
}
