using Akka.Configuration;
using ePost.Mail.Delivery;

namespace ePost.Mail.Tests.Delivery;

/// <summary>Delivery settings from HOCON, and the retry schedule they define.</summary>
public sealed class DeliverySettingsTests
{
    [Fact]
    public void The_documented_defaults_give_up_after_five_days_and_have_no_relay()
    {
        var settings = DeliverySettings.Default;
        Assert.Equal(TimeSpan.FromDays(5), settings.GiveUpAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.FirstRetry);
        Assert.Equal(TimeSpan.FromHours(4), settings.MaxRetry);
        Assert.False(settings.Relay.IsConfigured);
        Assert.Equal(RelayTls.StartTls, settings.Relay.Tls);
        Assert.Equal(587, settings.Relay.Port);
    }

    [Fact]
    public void A_relay_is_configured_under_epost_mail_delivery_relay()
    {
        var settings = DeliverySettings.Create(ConfigurationFactory.ParseString("""
            epost.mail.delivery {
              host-name = "node7.example.net"
              relay { host = "smtp.example.net", port = 465, tls = implicit, user = "node7", password = "s3cret" }
              give-up-after = 2d
            }
            """));
        Assert.Equal("node7.example.net", settings.HostName);
        Assert.Equal(new RelaySettings("smtp.example.net", 465, RelayTls.Implicit, "node7", "s3cret", TimeSpan.FromMinutes(2)), settings.Relay);
        Assert.Equal(TimeSpan.FromDays(2), settings.GiveUpAfter);
    }

    [Fact]
    public void The_relay_password_never_appears_in_printed_settings()
    {
        var settings = DeliverySettings.Default with { Relay = DeliverySettings.Default.Relay with { Host = "smtp.example.net", User = "node7", Password = "s3cret" } };
        Assert.DoesNotContain("s3cret", settings.ToString());
        Assert.Contains("User = node7, Password = ***", settings.ToString());
    }

    [Theory]
    [InlineData("relay.tls = ssl", "relay.tls")]
    [InlineData("relay.port = 0", "relay.port")]
    [InlineData("relay.timeout = 0s", "relay.timeout")]
    [InlineData("first-retry = 0s", "first-retry")]
    [InlineData("max-retry = 10s", "max-retry")]
    [InlineData("give-up-after = 0s", "give-up-after")]
    [InlineData("scan-interval = 0s", "scan-interval")]
    [InlineData("max-concurrent = 0", "max-concurrent")]
    [InlineData("host-name = \"\"", "host-name")]
    public void Out_of_range_values_are_refused_naming_the_key(string setting, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => DeliverySettings.Create(ConfigurationFactory.ParseString($"epost.mail.delivery.{setting}")));
        Assert.Contains("epost.mail.delivery." + key, error.Message);
    }

    [Fact]
    public void Waits_double_from_the_first_retry_up_to_the_cap()
    {
        var settings = DeliverySettings.Default;
        var waits = Enumerable.Range(1, 11).Select(n => RetrySchedule.Backoff(settings, n).TotalMinutes);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240], waits);
        Assert.Equal(TimeSpan.FromHours(4), RetrySchedule.Backoff(settings, int.MaxValue));
    }

    [Fact]
    public void The_last_attempt_is_at_the_give_up_moment_not_after_it()
    {
        var settings = DeliverySettings.Default;
        var received = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var late = received + TimeSpan.FromDays(5) - TimeSpan.FromMinutes(30);
        Assert.Equal(received + TimeSpan.FromDays(5), RetrySchedule.NextAttempt(settings, received, 20, late));
        Assert.False(RetrySchedule.Expired(settings, received, late));
        Assert.True(RetrySchedule.Expired(settings, received, received + TimeSpan.FromDays(5)));
    }
}
