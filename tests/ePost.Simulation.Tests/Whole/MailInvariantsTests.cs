using ePost.Simulation.Whole;

namespace ePost.Simulation.Tests.Whole;

/// <summary>The invariant checker of the whole-system simulation: each kind of mail loss or duplication is caught.</summary>
public sealed class MailInvariantsTests
{
    private static AcknowledgedMessage Ack(string id, string to = "b@sim.test") => new("spool-" + id, "a@sim.test", to, id, TimeSpan.FromSeconds(1));

    private static MailboxSnapshot Box(string user, int messages, params string[] ids) => new(user, messages, ids.ToHashSet(), 0);

    [Fact]
    public void Every_acknowledged_message_filed_once_holds()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1"));
        invariants.Acknowledge(Ack("d2"));
        invariants.Acknowledge(Ack("d3", to: "c@sim.test"));

        var report = invariants.Judge([Box("b@sim.test", 2, "d1", "d2"), Box("c@sim.test", 1, "d3")]);

        Assert.True(report.Holds, string.Join("\n", report.Violations));
        Assert.Equal((3, 3, 0, 0), (report.Acknowledged, report.FiledOnce, report.Lost, report.Duplicated));
        Assert.True(report.Converged);
    }

    [Fact]
    public void An_acknowledged_message_missing_from_its_recipients_inbox_is_lost()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1"));
        invariants.Acknowledge(Ack("d2"));

        var report = invariants.Judge([Box("b@sim.test", 1, "d1")]);

        Assert.False(report.Holds);
        Assert.Equal(1, report.Lost);
        Assert.Equal(1, report.FiledOnce);
        Assert.Contains(report.Violations, v => v.Contains("spool-d2"));
    }

    [Fact]
    public void A_message_filed_in_the_wrong_mailbox_is_lost_there_and_unexpected_here()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1", to: "b@sim.test"));

        var report = invariants.Judge([Box("b@sim.test", 0), Box("c@sim.test", 1, "d1")]);

        Assert.Equal((1, 1), (report.Lost, report.Unexpected));
        Assert.False(report.Holds);
    }

    [Fact]
    public void More_inbox_entries_than_deliveries_are_duplicates()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1"));

        var report = invariants.Judge([Box("b@sim.test", 2, "d1")]);

        Assert.Equal(1, report.Duplicated);
        Assert.Equal(0, report.FiledOnce);
        Assert.False(report.Holds);
    }

    [Fact]
    public void An_entry_that_disappears_between_observations_is_a_regression_even_if_it_comes_back()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1"));
        Assert.True(invariants.Observe(Box("b@sim.test", 1, "d1")));

        Assert.False(invariants.Observe(Box("b@sim.test", 0)));
        var report = invariants.Judge([Box("b@sim.test", 1, "d1")]);

        Assert.Equal(1, report.Regressions);
        Assert.Equal(0, report.Lost);
        Assert.False(report.Holds);
    }

    [Fact]
    public void A_mailbox_with_logs_the_ring_lacks_has_not_converged()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1"));

        var report = invariants.Judge([new MailboxSnapshot("b@sim.test", 1, new HashSet<string> { "d1" }, UnsyncedLogs: 2)]);

        Assert.True(report.Holds);
        Assert.False(report.Converged);
    }

    [Fact]
    public void A_duplicate_seen_during_the_run_counts_even_when_it_is_gone_at_the_end()
    {
        var invariants = new MailInvariants();
        invariants.Acknowledge(Ack("d1"));

        Assert.False(invariants.Observe(Box("b@sim.test", 2, "d1")));
        var report = invariants.Judge([Box("b@sim.test", 1, "d1")]);

        Assert.Equal(1, report.Duplicated);
        Assert.False(report.Holds);
    }
}
