using ePost.Mail.Imap;

namespace ePost.Mail.Tests.Imap.Listener;

/// <summary>The IMAP listener's defences over real sockets, timers on virtual time.</summary>
public sealed class DefenceTests : ImapListenerFixture
{
    private async Task<Fixtures.RawClient> LoggedInAsync(int port)
    {
        var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("* OK");
        await client.SendAsync("a1 LOGIN alice secret\r\n");
        await client.ReadUntilAsync("a1 OK");
        return client;
    }

    [Fact]
    public async Task An_idle_client_is_logged_out_after_thirty_minutes()
    {
        var port = await StartAsync(Factory(), idle: ImapSettings.DefaultIdleTimeout);
        using var client = await LoggedInAsync(port);
        Scheduler.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_client_that_re_arms_idle_every_29_minutes_stays_connected()
    {
        var port = await StartAsync(Factory(), idle: ImapSettings.DefaultIdleTimeout);
        using var client = await LoggedInAsync(port);
        for (int round = 0; round < 3; round++)
        {
            await client.SendAsync($"i{round} IDLE\r\n");
            Assert.Equal("+ idling", await client.ReadLineAsync());
            Scheduler.Advance(TimeSpan.FromMinutes(29));
            await client.SendAsync("DONE\r\n");
            Assert.Equal($"i{round} OK IDLE terminated", await client.ReadLineAsync());
        }
        await client.SendAsync("n1 NOOP\r\n");
        Assert.Equal("n1 OK NOOP completed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_failed_login_is_answered_only_after_the_scheduled_delay()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("* OK");
        await client.SendAsync("a1 LOGIN alice wrong\r\n");
        var reply = client.BeginReadLine();
        // Without virtual time passing, the reply must not come (it would within microseconds if it were not held).
        await Task.WhenAny(reply, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(reply.IsCompleted);
        AwaitCondition(() =>
        {
            Scheduler.Advance(TimeSpan.FromSeconds(1));
            return reply.IsCompleted;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        Assert.Equal("a1 NO [AUTHENTICATIONFAILED] Invalid credentials", await reply);
    }

    [Fact]
    public async Task A_huge_announced_literal_is_refused_and_the_connection_goes_on()
    {
        var port = await StartAsync(Factory());
        using var client = await LoggedInAsync(port);
        await client.SendAsync("a2 APPEND INBOX {4000000000}\r\n");
        Assert.Equal("a2 NO [TOOBIG] Literal of 4000000000 bytes exceeds the limit of 52428800", await client.ReadLineAsync());
        await client.SendAsync("a3 NOOP\r\n");
        Assert.Equal("a3 OK NOOP completed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Commands_pipelined_after_starttls_are_not_executed()
    {
        var port = await StartAsync(Factory());
        using var client = await ConnectRawAsync(port);
        await client.ReadUntilAsync("* OK");
        await client.SendAsync("a1 STARTTLS\r\na2 LOGIN alice secret\r\n");
        Assert.Equal("a1 OK Begin TLS negotiation now", await client.ReadLineAsync());
        await client.UpgradeAsync();
        await client.SendAsync("a3 CAPABILITY\r\n");
        // Had the LOGIN survived the handshake, its "a2 OK" would come first and the capabilities would be post-login.
        Assert.Equal("* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID AUTH=PLAIN", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Connections_beyond_the_per_address_limit_are_refused()
    {
        var port = await StartAsync(Factory(), maxPerAddress: 1);
        using var first = await ConnectRawAsync(port);
        Assert.StartsWith("* OK", await first.ReadLineAsync());
        using var second = await ConnectRawAsync(port);
        Assert.Equal("* BYE [UNAVAILABLE] Too many connections from your address", await second.ReadLineAsync());
    }

    [Fact]
    public async Task A_closed_connection_releases_its_watch_on_the_store()
    {
        var port = await StartAsync(Factory());
        var client = await LoggedInAsync(port);
        Assert.Equal(1, Store.WatchCount);
        client.Dispose();
        AwaitCondition(() => Store.WatchCount == 0, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
    }
}
