using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>Folder management with MailKit's ImapClient over real sockets (STARTTLS and implicit TLS).</summary>
public sealed class MailKitFolderTests : ImapListenerFixture
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MailKit_connects_over_starttls_or_implicit_tls_and_sees_the_extensions(bool implicitTls)
    {
        var port = await StartAsync(Factory(), implicitTls);
        using var client = await ConnectAsync(port, implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);

        Assert.True(client.IsSecure);
        foreach (var capability in new[] { ImapCapabilities.Idle, ImapCapabilities.UidPlus, ImapCapabilities.Move, ImapCapabilities.Namespace,
                     ImapCapabilities.Id, ImapCapabilities.Enable, ImapCapabilities.SpecialUse, ImapCapabilities.Children,
                     ImapCapabilities.Unselect, ImapCapabilities.LiteralPlus, ImapCapabilities.CondStore })
            Assert.True(client.Capabilities.HasFlag(capability), $"{capability} is announced");
        Assert.Equal("/", client.PersonalNamespaces[0].DirectorySeparator.ToString());
        var id = await client.IdentifyAsync(new ImapImplementation { Name = "test" });
        Assert.Equal("ePost", id.Name);
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task MailKit_enables_utf8_accept_and_names_travel_as_utf8()
    {
        var port = await StartAsync(Factory());
        var log = new MemoryStream();
        using var client = new ImapClient(new ProtocolLogger(log, leaveOpen: true)) { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "secret");
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.UTF8Accept));
        await client.EnableUTF8Async();

        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var folder = (await root.CreateAsync("Entwürfe ✓", isMessageFolder: true))!;
        await folder.AppendAsync(new MimeKit.MimeMessage([], [], "Grüße", new MimeKit.TextPart("plain") { Text = "Hallo" }));
        var listed = (await root.GetSubfoldersAsync()).Select(f => f.FullName).ToList();
        Assert.Contains("Entwürfe ✓", listed);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal("Grüße", (await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Single().Envelope!.Subject);
        await client.DisconnectAsync(quit: true);

        var transcript = System.Text.Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("ENABLE UTF8=ACCEPT", transcript);
        Assert.Contains("CREATE \"Entwürfe ✓\"", transcript);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"Entwürfe ✓\"", transcript);
        Assert.Single((await Store.ReadFolderAsync(Alice, "Entwürfe ✓", CancellationToken.None)).Messages);
    }

    [Fact]
    public async Task MailKit_lists_with_list_extended_selection_and_return_options()
    {
        Store.AddSpecialFolder(Alice, "Sent", "\\Sent");
        var port = await StartAsync(Factory());
        var log = new MemoryStream();
        using var client = new ImapClient(new ProtocolLogger(log, leaveOpen: true)) { ServerCertificateValidationCallback = (_, certificate, _, _) => IsOurCertificate(certificate) };
        await client.ConnectAsync("localhost", port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "secret");
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.ListExtended));
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var work = (await root.CreateAsync("Work", isMessageFolder: true))!;
        var reports = (await work.CreateAsync("Reports", isMessageFolder: true))!;
        await reports.SubscribeAsync();

        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.Count | StatusItems.Unread, subscribedOnly: true);
        var folder = Assert.Single(subscribed);
        Assert.Equal("Work/Reports", folder.FullName);
        Assert.True(folder.Attributes.HasFlag(FolderAttributes.Subscribed));
        Assert.Equal(0, folder.Count);
        Assert.Equal("Sent", client.GetFolder(SpecialFolder.Sent)?.FullName);
        await client.DisconnectAsync(quit: true);

        var transcript = System.Text.Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN STATUS (MESSAGES UNSEEN))", transcript);
        Assert.Contains("LIST (SPECIAL-USE) \"\" \"*\"", transcript);
    }

    [Fact]
    public async Task MailKit_creates_lists_renames_and_deletes_nested_and_non_ascii_folders()
    {
        Store.AddSpecialFolder(Alice, "Sent", "\\Sent");
        var port = await StartAsync(Factory());
        using var client = await ConnectAsync(port);
        var root = client.GetFolder(client.PersonalNamespaces[0]);

        var projects = (await root.CreateAsync("Projects", isMessageFolder: true))!;
        var quarter = (await projects.CreateAsync("2025 Q1", isMessageFolder: true))!;
        var drafts = (await root.CreateAsync("Entwürfe ✓", isMessageFolder: true))!;
        Assert.Equal("Projects/2025 Q1", quarter.FullName);

        var names = (await root.GetSubfoldersAsync()).Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Entwürfe ✓", "INBOX", "Projects", "Sent"], names);
        Assert.True((await root.GetSubfoldersAsync()).Single(f => f.Name == "Projects").Attributes.HasFlag(FolderAttributes.HasChildren));
        Assert.Equal("Sent", client.GetFolder(SpecialFolder.Sent)?.FullName);

        await drafts.RenameAsync(root, "Archiv ☂");
        await projects.RenameAsync(root, "Old Projects");
        var all = (await root.GetSubfoldersAsync(subscribedOnly: false)).SelectMany(f => new[] { f.FullName }).ToList();
        Assert.Contains("Archiv ☂", all);
        Assert.Contains("Old Projects", all);
        var moved = await client.GetFolderAsync("Old Projects/2025 Q1");
        Assert.Equal("Old Projects/2025 Q1", moved.FullName);

        await moved.SubscribeAsync();
        var subscribed = await (await client.GetFolderAsync("Old Projects")).GetSubfoldersAsync(subscribedOnly: true);
        Assert.Equal(["Old Projects/2025 Q1"], subscribed.Select(f => f.FullName));

        await moved.DeleteAsync();
        var folders = (await client.GetFoldersAsync(client.PersonalNamespaces[0])).Select(f => f.FullName).ToList();
        Assert.DoesNotContain("Old Projects/2025 Q1", folders);
        Assert.Contains("Old Projects", folders);
        await client.DisconnectAsync(quit: true);
    }
}
