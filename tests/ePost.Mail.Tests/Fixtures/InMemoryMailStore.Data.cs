using ePost.Mail.Backend;

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

        /// <summary>UIDVALIDITY is store-wide unique and kept by a rename here, so it serves as the MAILBOXID.</summary>
        public string MailboxId => "F" + UidValidity;
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

    /// <summary>A message; its EMAILID is content-addressed like POST's (the bytes' hash), its save date set where it is filed.</summary>
    private sealed record StoredMessage(uint Uid, IReadOnlyList<string> Flags, DateTimeOffset InternalDate, byte[] Bytes, ulong ModSeq, DateTimeOffset SaveDate)
    {
        public string EmailId { get; } = "M" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Bytes))[..24];

        public FolderMessage ToFolderMessage() => new(Uid, Flags.ToList(), InternalDate, Bytes.Length, ModSeq, SaveDate, EmailId);
    }

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
        }
    }
}
