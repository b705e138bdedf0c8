using Akka.Actor;
using Akka.Configuration;
using ePost.Post.Mailbox;
using ePost.Core.Crypto;
using ePost.Post;
using ePost.Post.Access;

namespace ePost.Node.Hosting;

/// <summary>A node's mail side: POST's services and the backends the mail protocols use for this node's users.</summary>
/// <param name="PostOffice">The <c>/user/node/post</c> actor.</param>
/// <param name="Services">POST's shared services (ring client, certificates, sender).</param>
/// <param name="Users">The users this node serves.</param>
/// <param name="Agents">Each user's agent, by address.</param>
/// <param name="Directory">Who exists and who may log in.</param>
/// <param name="Store">The users' folders (IMAP, POP3).</param>
/// <param name="Delivery">Delivery to ring users (the SMTP spool's outbound side).</param>
public sealed record NodeMail(IActorRef PostOffice, PostServices Services, IReadOnlyList<LocalUser> Users, IReadOnlyDictionary<string, IActorRef> Agents,
    PostUserDirectory Directory, PostMailStore Store, PostRingDelivery Delivery)
{
    /// <summary>The backends over a started POST layer.</summary>
    public static NodeMail Create(Config config, string dataDir, IActorRef office, PostServices services, IReadOnlyList<LocalUser> users,
        IReadOnlyDictionary<string, IActorRef> agents)
    {
        var post = config.GetConfig("epost.post");
        var directory = new PostUserDirectory(users, services.Certificates, post.GetStringList("domains").ToList(), services.Devices);
        var cache = new BlockCache(Path.Combine(dataDir, "cache"), post.GetLong("block-cache-bytes"), services.Ring);
        return new NodeMail(office, services, users, agents, directory, new PostMailStore(agents, services, cache),
            new PostRingDelivery(directory, services.Sender, services.Gateway));
    }

    /// <summary>The users listed in <c>epost.post.users</c>, their key files opened with their passphrase files.</summary>
    /// <exception cref="ConfigurationException">When an entry is incomplete or a key file does not open.</exception>
    public static IReadOnlyList<LocalUser> LoadUsers(Config config)
    {
        var users = new List<LocalUser>();
        var entries = config.GetValue("epost.post.users") is { IsEmpty: false } list ? list.GetArray() : [];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            // "users = [ ]" parses as a list of one empty element: a node without users.
            if (entry.IsEmpty || (!entry.IsObject() && string.IsNullOrWhiteSpace(entry.GetString()))) continue;
            var name = $"epost.post.users[{i}]";
            if (!entry.IsObject()) throw new ConfigurationException($"{name}: must be {{ key-file = ..., passphrase-file = ... }}, not \"{entry.GetString()}\".");
            var item = entry.GetObject();
            var keyFile = item.GetKey("key-file")?.GetString();
            var passphraseFile = item.GetKey("passphrase-file")?.GetString();
            if (string.IsNullOrEmpty(keyFile) || string.IsNullOrEmpty(passphraseFile))
                throw new ConfigurationException($"{name}: needs key-file and passphrase-file.");
            if (!File.Exists(keyFile)) throw new ConfigurationException($"{name}.key-file: no file '{keyFile}'.");
            if (!File.Exists(passphraseFile)) throw new ConfigurationException($"{name}.passphrase-file: no file '{passphraseFile}'.");
            try
            {
                users.Add(LoadUser(keyFile, passphraseFile));
            }
            catch (ConfigurationException e)
            {
                throw new ConfigurationException($"{name}: {e.Message}");
            }
        }
        return users;
    }

    /// <summary>A user from a key file (made by <c>epost ca issue</c>) and the file holding its passphrase, which is also the mail password.</summary>
    /// <exception cref="ConfigurationException">When the key file does not open with that passphrase.</exception>
    public static LocalUser LoadUser(string keyFile, string passphraseFile, bool recover = false)
    {
        var passphrase = File.ReadAllText(passphraseFile).TrimEnd('\r', '\n');
        try
        {
            return new LocalUser(PassphraseKeyFile.OpenUserKeys(File.ReadAllText(keyFile), passphrase), passphrase) { Recover = recover };
        }
        catch (KeyFileException e)
        {
            throw new ConfigurationException($"the key file {keyFile} does not open with the passphrase in {passphraseFile}: {e.Message}");
        }
    }
}
