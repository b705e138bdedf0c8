using Akka.Actor;
using ePost.Node.Cli;
using ePost.Node.Hosting;
using ePost.Node.Identity;
using ePost.Post.Access;
using ePost.Post.Mailbox;

namespace ePost.Node.Commands;

/// <summary>
/// <c>epost recover</c>: starts a node that takes over a user's mailbox from the ring with nothing but the user's key
/// file (the old node and its data are gone), prints what it recovered, and keeps serving the user.
/// </summary>
public static class RecoverCommand
{
    /// <summary>The verb.</summary>
    public static Verb Verb => new("recover", "rebuild a mailbox on this node: --key FILE --passphrase-file FILE " + NodeOptions.Usage, RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var options = Arguments.Parse(args);
        var keyFile = options.Get("key") ?? throw new UsageException("--key FILE is required (made by epost ca issue).");
        var passphraseFile = options.Get("passphrase-file") ?? throw new UsageException("--passphrase-file FILE is required.");
        var overrides = NodeOptions.Overrides(options);
        options.RejectUnknown();
        if (!File.Exists(keyFile)) throw new UsageException($"--key: no file '{keyFile}'.");
        if (!File.Exists(passphraseFile)) throw new UsageException($"--passphrase-file: no file '{passphraseFile}'.");
        LocalUser user;
        try
        {
            user = NodeMail.LoadUser(keyFile, passphraseFile, recover: true);
        }
        catch (Akka.Configuration.ConfigurationException e)
        {
            throw new UsageException($"--key, --passphrase-file: {e.Message}");
        }
        var config = NodeConfig.BuildChecked(overrides);
        NodeHost started;
        try
        {
            started = await NodeHost.StartAsync(config, [user]);
        }
        catch (NodeCredentialException e)
        {
            Console.Error.WriteLine($"epost recover: {e.Message}");
            return 2;
        }
        await using var node = started;
        if (node.Mail is null)
        {
            Console.Error.WriteLine("epost recover: this node has no ring CA configured (epost.storage.certificate-authority), so it serves no users.");
            return 1;
        }
        var address = user.Address;
        Console.WriteLine($"node {node.Identity.Id} recovering the mailbox of {address} from the ring...");
        var status = (await MailboxLoadProgress.WaitAsync(new Dictionary<string, IActorRef> { [address] = node.Mail.Agents[address] }, null, cancel))[address];
        var mailUser = new Mail.Backend.MailUser(address, address);
        var folders = await node.Mail.Store.ListFoldersAsync(mailUser, cancel);
        var messages = 0;
        foreach (var folder in folders) messages += (await node.Mail.Store.ReadFolderAsync(mailUser, folder.Name, cancel)).Messages.Count;
        Console.WriteLine($"recovered {address}: {folders.Count} folders, {messages} messages; serving it now (Ctrl-C stops)");
        if (status.DegradedFolders is { Count: > 0 } degraded)
            Console.WriteLine($"incomplete, read-only until the ring gives the missing log entries ({string.Join(", ", status.Missing?.Select(id => id.ToShortString()) ?? [])}): " +
                              $"{string.Join(", ", degraded)}; the node keeps looking for them");
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping");
        }
        return 0;
    }
}
