namespace ePost.Mail.Tests.Fixtures;

// The store's data: per user, folders with their counters and messages, and subscriptions.
public sealed partial class InMemoryMailStore
{
    private sealed class UserData
    {
        public Dictionary<string, Folder> Folders { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Subscribed { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Folder(uint uidValidity)
    {
        public uint UidValidity { get; } = uidValidity;
        public uint UidNext { get; private set; } = 1;
        public ulong HighestModSeq { get; set; }
        public IReadOnlyList<string> SpecialUse { get; init; } = [];
        public List<StoredMessage> Messages { get; } = [];

        public void Add(StoredMessage message)
        {
            Messages.Add(message with { ModSeq = ++HighestModSeq });
            UidNext = message.Uid + 1;
        }
    }

    private sealed record StoredMessage(uint Uid, IReadOnlyList<string> Flags, DateTimeOffset InternalDate, byte[] Bytes, ulong ModSeq);

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
        }
    }
}
