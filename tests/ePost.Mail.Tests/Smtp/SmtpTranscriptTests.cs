using System.Net;
using System.Text;
using ePost.Mail.Dsn;
using ePost.Mail.Sessions;
using ePost.Mail.Smtp;
using ePost.Mail.Tests.Fixtures;
using ePost.Mail.Tests.Transcripts;

namespace ePost.Mail.Tests.Smtp;

/// <summary>SMTP sessions replayed from transcripts in Smtp/Transcripts: exact client lines, exact server replies.</summary>
public sealed class SmtpTranscriptTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 40000);
    private static readonly IPEndPoint Internet = new(IPAddress.Parse("203.0.113.7"), 40000);

    private readonly InMemoryUserDirectory directory = InMemoryUserDirectory.Standard();
    private readonly RecordingSpool spool = new();
    private readonly ManualClock clock = new();

    private SmtpSession Session(SmtpSettings? settings = null, IPEndPoint? remote = null, bool tls = false, bool canStartTls = true, LoginThrottleSettings? throttle = null) =>
        new(settings ?? SmtpSettings.Default("mx.ring.test"), new SessionContext(remote ?? Loopback, tls, canStartTls),
            directory, spool, new LoginThrottle(throttle ?? LoginThrottleSettings.Default, clock), clock);

    private static SmtpSettings Gateway => new(SmtpMode.Gateway, "mx.ring.test");

    [Fact]
    public async Task Submission_with_auth_plain_spools_the_unstuffed_message_with_a_trace_header()
    {
        await TranscriptRunner.RunAsync(Session(), "Transcripts/submission_happy_path.txt");
        var (id, envelope, message) = Assert.Single(spool.Accepted);
        Assert.Equal("Q1", id);
        Assert.Equal("alice@ring.test", envelope.Sender);
        Assert.Equal(["bob@ring.test", "friend@example.org"], envelope.Recipients);
        Assert.Equal("alice", envelope.AuthenticatedUser);
        var text = Encoding.UTF8.GetString(message);
        Assert.StartsWith("Received: from client.example ([127.0.0.1])\r\n\tby mx.ring.test (ePost) with ESMTPA;\r\n", text);
        Assert.EndsWith("Subject: hi\r\n\r\nHello Bob.\r\n.leading dot\r\n..two dots\r\n", text);
    }

    [Fact]
    public async Task Dsn_parameters_are_offered_decoded_and_kept_with_the_envelope_of_their_transaction_only()
    {
        await TranscriptRunner.RunAsync(Session(), "Transcripts/dsn_parameters.txt");
        Assert.Equal(2, spool.Accepted.Count);
        var envelope = spool.Accepted[0].Envelope;
        Assert.Equal(DsnReturn.Full, envelope.Return);
        Assert.Equal("QQ+1=x", envelope.EnvelopeId);
        Assert.Equal(new RecipientDsn(DsnNotify.Success | DsnNotify.Failure, "rfc822;bob@ring.test"), envelope.DsnFor("bob@ring.test"));
        Assert.Equal(new RecipientDsn(DsnNotify.Never, null), envelope.DsnFor("friend@example.org"));
        Assert.False(envelope.DsnFor("friend@example.org").WantsFailure);
        // The repeated recipient keeps its first parameters; a recipient without any gets the defaults.
        Assert.Equal(["bob@ring.test", "friend@example.org", "dave@example.net"], envelope.Recipients);
        Assert.Same(RecipientDsn.Default, envelope.DsnFor("dave@example.net"));
        Assert.True(envelope.DsnFor("dave@example.net").WantsFailure);
        var second = spool.Accepted[1].Envelope;
        Assert.Equal((DsnReturn.Unspecified, (string?)null, (IReadOnlyDictionary<string, RecipientDsn>?)null), (second.Return, second.EnvelopeId, second.RecipientDsn));
    }

    [Fact]
    public Task Auth_login_and_plain_continuations_cancellation_and_garbage() =>
        TranscriptRunner.RunAsync(Session(), "Transcripts/auth_exchanges.txt");

    [Fact]
    public Task Submission_requires_auth_and_the_users_own_sender_address() =>
        TranscriptRunner.RunAsync(Session(), "Transcripts/submission_sender_rules.txt");

    [Fact]
    public Task Auth_is_refused_in_plaintext_off_loopback_and_offered_after_starttls() =>
        TranscriptRunner.RunAsync(Session(remote: Internet), "Transcripts/auth_needs_tls.txt");

    [Fact]
    public Task Auth_in_plaintext_on_loopback_is_refused_when_configured_off() =>
        TranscriptRunner.RunAsync(Session(SmtpSettings.Default("mx.ring.test") with { AllowPlaintextAuthOnLoopback = false }, canStartTls: false),
            "Transcripts/auth_loopback_disabled.txt");

    [Fact]
    public Task Failed_logins_are_answered_after_a_growing_delay() =>
        TranscriptRunner.RunAsync(Session(), "Transcripts/failed_login_delay.txt");

    [Fact]
    public Task Too_many_failed_logins_from_an_address_close_the_connection() =>
        TranscriptRunner.RunAsync(Session(throttle: LoginThrottleSettings.Default with { MaxFailures = 2 }), "Transcripts/failed_login_limit.txt");

    [Fact]
    public Task Commands_out_of_sequence_and_malformed_commands_get_exact_errors() =>
        TranscriptRunner.RunAsync(Session(SmtpSettings.Default("mx.ring.test") with { ErrorLimits = new SmtpErrorLimits(50, 50, TimeSpan.FromSeconds(1)) }), "Transcripts/sequence_and_syntax.txt");

    [Fact]
    public Task Gateway_accepts_ring_users_only_and_never_relays() =>
        TranscriptRunner.RunAsync(Session(Gateway, remote: Internet), "Transcripts/gateway_mode.txt");

    [Fact]
    public async Task Gateway_refuses_every_spelling_of_a_relay_attempt_before_and_after_starttls()
    {
        await TranscriptRunner.RunAsync(Session(Gateway, remote: Internet), "Transcripts/gateway_relay_attempts.txt");
        Assert.Empty(spool.Accepted);
    }

    [Fact]
    public async Task Gateway_answers_451_when_the_ring_cannot_say_who_exists()
    {
        directory.ClassifyFailure = new TimeoutException("ring lookup timed out");
        await TranscriptRunner.RunAsync(Session(Gateway, remote: Internet), "Transcripts/gateway_directory_unavailable.txt");
        Assert.Empty(spool.Accepted);
    }

    [Fact]
    public Task Declared_and_actual_size_over_the_limit_are_refused() =>
        TranscriptRunner.RunAsync(Session(Gateway with { MaxMessageSize = 100 }), "Transcripts/size_limit.txt");

    [Fact]
    public Task Overlong_command_and_data_lines_are_refused() =>
        TranscriptRunner.RunAsync(Session(Gateway with { MaxCommandLine = 64, MaxDataLine = 80 }), "Transcripts/line_limits.txt");

    [Fact]
    public Task Recipients_beyond_the_limit_get_452() =>
        TranscriptRunner.RunAsync(Session(Gateway with { MaxRecipients = 2 }), "Transcripts/too_many_recipients.txt");

    [Fact]
    public async Task Bare_lf_smuggling_is_refused_and_the_smuggled_commands_never_run()
    {
        await TranscriptRunner.RunAsync(Session(Gateway), "Transcripts/smuggling.txt");
        Assert.Empty(spool.Accepted);
    }

    [Fact]
    public Task Input_pipelined_after_starttls_is_discarded() =>
        TranscriptRunner.RunAsync(Session(remote: Internet), "Transcripts/starttls_pipelined.txt");

    [Fact]
    public Task Starttls_is_refused_without_a_certificate() =>
        TranscriptRunner.RunAsync(Session(canStartTls: false), "Transcripts/starttls_unavailable.txt");

    [Fact]
    public Task Starttls_is_refused_when_tls_is_already_active() =>
        TranscriptRunner.RunAsync(Session(remote: Internet, tls: true), "Transcripts/starttls_already_active.txt");

    [Fact]
    public Task A_client_sending_only_garbage_is_disconnected() =>
        TranscriptRunner.RunAsync(Session(Gateway with { ErrorLimits = new SmtpErrorLimits(3, 3, TimeSpan.FromSeconds(1)) }), "Transcripts/too_many_errors.txt");

    [Fact]
    public Task Past_the_soft_error_limit_every_reply_is_delayed_and_at_the_hard_limit_the_session_closes() =>
        TranscriptRunner.RunAsync(Session(Gateway with { ErrorLimits = new SmtpErrorLimits(2, 4, TimeSpan.FromSeconds(1)) }),
            "Transcripts/soft_and_hard_error_limits.txt");

    [Fact]
    public void Error_limits_default_to_postfixs_and_are_read_from_config()
    {
        Assert.Equal(new SmtpErrorLimits(10, 20, TimeSpan.FromSeconds(1)), SmtpErrorLimits.Default);
        var config = Akka.Configuration.ConfigurationFactory.ParseString("epost.mail.smtp { soft-error-limit = 3, hard-error-limit = 5, error-delay = 2s }");
        Assert.Equal(new SmtpErrorLimits(3, 5, TimeSpan.FromSeconds(2)), SmtpErrorLimits.Create(config));
        var inverted = Akka.Configuration.ConfigurationFactory.ParseString("epost.mail.smtp { soft-error-limit = 30 }");
        Assert.Contains("soft-error-limit", Assert.Throws<Akka.Configuration.ConfigurationException>(() => SmtpErrorLimits.Create(inverted)).Message);
    }

    [Fact]
    public Task International_addresses_need_smtputf8() =>
        TranscriptRunner.RunAsync(Session(Gateway), "Transcripts/smtputf8.txt");

    [Fact]
    public async Task A_spool_failure_answers_451_so_the_client_retries()
    {
        spool.Failure = new IOException("disk full");
        await TranscriptRunner.RunAsync(Session(Gateway), "Transcripts/spool_failure.txt");
    }

    [Fact]
    public async Task Bdat_chunks_are_counted_octets_whose_dots_and_commands_are_message_text()
    {
        await TranscriptRunner.RunAsync(Session(Gateway), "Transcripts/bdat_chunking.txt");
        Assert.Equal(["Q1", "Q2", "Q3"], spool.Accepted.Select(a => a.Id));
        Assert.StartsWith("Received: from mta.example.org ([127.0.0.1])\r\n\tby mx.ring.test (ePost) with ESMTP;", Encoding.UTF8.GetString(spool.Accepted[0].Message));
        Assert.EndsWith("\r\nSubject: chunked\r\n\r\n.\r\nQUIT\r\n", Encoding.UTF8.GetString(spool.Accepted[0].Message));
        Assert.EndsWith("\r\nSubject: a\r\nb\r\n", Encoding.UTF8.GetString(spool.Accepted[2].Message));
    }

    [Fact]
    public async Task Refused_bdat_chunks_are_read_and_discarded_and_oversize_ones_end_the_connection()
    {
        await TranscriptRunner.RunAsync(Session(Gateway with { MaxMessageSize = 100 }), "Transcripts/bdat_errors.txt");
        var (_, _, message) = Assert.Single(spool.Accepted);
        Assert.EndsWith("\r\nnew\r\n", Encoding.UTF8.GetString(message));
        Assert.DoesNotContain("old", Encoding.UTF8.GetString(message));
    }

    [Fact]
    public Task A_bdat_without_a_usable_size_closes_the_connection() =>
        TranscriptRunner.RunAsync(Session(Gateway), "Transcripts/bdat_syntax.txt");

    [Theory]
    [InlineData("BDAT", "501")]
    [InlineData("BDAT -1", "501")]
    [InlineData("BDAT 5 FIRST", "501")]
    [InlineData("BDAT 5 LAST extra", "501")]
    [InlineData("BDAT 1234567890123456789", "501")]
    [InlineData("BDAT 0 last", "0 True")]
    [InlineData("BDAT 42", "42 False")]
    public void Bdat_arguments_parse_strictly(string line, string expected)
    {
        var command = Mail.Smtp.Commands.SmtpCommandParser.Parse(line);
        var actual = command switch
        {
            Mail.Smtp.Commands.BdatCommand b => $"{b.Size} {b.Last}",
            Mail.Smtp.Commands.InvalidCommand i => i.Reply[..3],
            _ => command.ToString(),
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Requiretls_is_offered_and_taken_only_under_tls_and_is_kept_in_the_envelope()
    {
        await TranscriptRunner.RunAsync(Session(Gateway, remote: Internet), "Transcripts/requiretls.txt");
        Assert.Equal([true, false], spool.Accepted.Select(a => a.Envelope.RequireTls));
    }

    [Fact]
    public void Idle_timeout_says_421_and_closes()
    {
        var step = Session().IdleTimeout();
        Assert.Equal("421 4.4.2 mx.ring.test Idle timeout, closing connection\r\n", Encoding.UTF8.GetString(step.Output));
        Assert.Equal(SessionAction.Close, step.Action);
    }
}
