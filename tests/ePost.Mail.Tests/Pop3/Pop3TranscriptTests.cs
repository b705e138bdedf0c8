using System.Net;
using System.Text;
using ePost.Mail.Pop3;
using ePost.Mail.Sessions;
using ePost.Mail.Tests.Fixtures;
using ePost.Mail.Tests.Transcripts;

namespace ePost.Mail.Tests.Pop3;

/// <summary>POP3 sessions replayed from transcripts in Pop3/Transcripts.</summary>
public sealed class Pop3TranscriptTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 40000);
    private static readonly IPEndPoint Internet = new(IPAddress.Parse("203.0.113.7"), 40000);

    private readonly InMemoryUserDirectory directory = InMemoryUserDirectory.Standard();
    private readonly InMemoryMailbox mailbox = new();
    private readonly ManualClock clock = new();

    public Pop3TranscriptTests()
    {
        mailbox.Add("alice", "u1", "Subject: one\r\n\r\nline1\r\n.dotline\r\nline3\r\n");
        mailbox.Add("alice", "u2", "Subject: two\r\nFrom: bob@ring.test\r\n\r\nhello\r\n");
        mailbox.Add("alice", "u3", "Subject: three\r\n\r\nbye\r\n");
    }

    private Pop3Session Session(IPEndPoint? remote = null, bool tls = false, bool canStartTls = true, Pop3Settings? settings = null, LoginThrottleSettings? throttle = null) =>
        new(settings ?? new Pop3Settings("pop.ring.test"), new SessionContext(remote ?? Loopback, tls, canStartTls), directory, mailbox,
            new LoginThrottle(throttle ?? LoginThrottleSettings.Default, clock));

    [Fact]
    public async Task Retrieval_listing_top_and_deletion_at_quit()
    {
        await TranscriptRunner.RunAsync(Session(), "Transcripts/happy_path.txt");
        Assert.Equal(["u1", "u3"], mailbox.Uids("alice"));
        Assert.Equal(1, mailbox.DeleteCalls);
    }

    [Fact]
    public async Task Deletions_are_undone_by_rset_and_dropped_without_quit()
    {
        await TranscriptRunner.RunAsync(Session(), "Transcripts/rset_and_hangup.txt");
        Assert.Equal(["u1", "u2", "u3"], mailbox.Uids("alice"));
        Assert.Equal(0, mailbox.DeleteCalls);
    }

    [Fact]
    public Task Auth_plain_with_initial_response_continuation_and_cancellation() =>
        TranscriptRunner.RunAsync(Session(), "Transcripts/auth_plain.txt");

    [Fact]
    public Task Commands_in_the_wrong_state_or_with_bad_arguments_get_exact_errors() =>
        TranscriptRunner.RunAsync(Session(settings: new Pop3Settings("pop.ring.test", MaxCommandLine: 64, MaxErrors: 50)), "Transcripts/errors.txt");

    [Fact]
    public Task Failed_logins_are_delayed_then_refused() =>
        TranscriptRunner.RunAsync(Session(throttle: LoginThrottleSettings.Default with { MaxFailures = 2 }), "Transcripts/failed_logins.txt");

    [Fact]
    public Task Login_off_loopback_requires_stls() =>
        TranscriptRunner.RunAsync(Session(remote: Internet), "Transcripts/stls_required.txt");

    [Fact]
    public Task Input_pipelined_after_stls_is_discarded() =>
        TranscriptRunner.RunAsync(Session(remote: Internet), "Transcripts/stls_pipelined.txt");

    [Fact]
    public Task A_client_sending_only_garbage_is_disconnected() =>
        TranscriptRunner.RunAsync(Session(settings: new Pop3Settings("pop.ring.test", MaxErrors: 2)), "Transcripts/too_many_errors.txt");

    [Fact]
    public void Idle_timeout_closes_without_entering_update()
    {
        var step = Session().IdleTimeout();
        Assert.Equal("-ERR Idle timeout, closing connection\r\n", Encoding.UTF8.GetString(step.Output));
        Assert.Equal(SessionAction.Close, step.Action);
    }
}
