using Akka.Configuration;
using ePost.Mail.Delivery;

namespace ePost.Mail.Smtp;

/// <summary>
/// How an SMTP session bounds a client that keeps sending bad commands, as Postfix does (smtpd_soft_error_limit,
/// smtpd_hard_error_limit, smtpd_error_sleep_time): past the soft limit every reply is held back, at the hard limit the
/// session ends with 421. Read once from <c>epost.mail.smtp</c> (defaults: <c>hocon/mail.conf</c>).
/// </summary>
/// <param name="Soft">Bad commands after which each further reply is delayed by <paramref name="Delay"/>.</param>
/// <param name="Hard">Bad commands after which the session is closed with 421.</param>
/// <param name="Delay">How long each reply is held back past the soft limit (scheduled by the session actor, never slept).</param>
public sealed record SmtpErrorLimits(int Soft, int Hard, TimeSpan Delay)
{
    /// <summary>The defaults of <c>hocon/mail.conf</c>: 10, 20, 1 s (Postfix's).</summary>
    public static SmtpErrorLimits Default { get; } = Create(DeliverySettings.DefaultConfig);

    /// <summary>Reads <c>epost.mail.smtp</c>, falling back to the defaults.</summary>
    /// <exception cref="ConfigurationException">A value is out of range, with the key named.</exception>
    public static SmtpErrorLimits Create(Config config)
    {
        var defaults = DeliverySettings.DefaultConfig;
        var c = (ReferenceEquals(config, defaults) ? config : config.WithFallback(defaults)).GetConfig("epost.mail.smtp");
        var limits = new SmtpErrorLimits(c.GetInt("soft-error-limit"), c.GetInt("hard-error-limit"), c.GetTimeSpan("error-delay"));
        if (limits.Hard < 1) throw new ConfigurationException("epost.mail.smtp.hard-error-limit must be at least 1.");
        if (limits.Soft < 0 || limits.Soft > limits.Hard)
            throw new ConfigurationException("epost.mail.smtp.soft-error-limit must be between 0 and hard-error-limit.");
        if (limits.Delay < TimeSpan.Zero || limits.Delay > TimeSpan.FromMinutes(5))
            throw new ConfigurationException("epost.mail.smtp.error-delay must be between 0 and 5 minutes.");
        return limits;
    }
}
