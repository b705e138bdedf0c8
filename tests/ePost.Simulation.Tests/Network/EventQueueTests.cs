using ePost.Simulation.Network;

namespace ePost.Simulation.Tests.Network;

public sealed class EventQueueTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Events_run_in_time_order_and_ties_in_the_order_they_were_scheduled()
    {
        var queue = new EventQueue();
        var log = new List<string>();

        queue.Schedule(S(2), () => log.Add("b@2"));
        queue.Schedule(S(1), () => log.Add("a@1"));
        queue.Schedule(S(2), () => log.Add("c@2"));
        queue.Schedule(S(1), () => log.Add("d@1"));
        queue.RunUntil(S(10));

        Assert.Equal(["a@1", "d@1", "b@2", "c@2"], log);
        Assert.Equal(4, queue.Executed);
        Assert.Equal(0, queue.Pending);
    }

    [Fact]
    public void The_clock_reads_each_event_s_own_time_while_it_runs()
    {
        var queue = new EventQueue();
        var seen = new List<TimeSpan>();

        queue.Schedule(S(1), () =>
        {
            seen.Add(queue.Now);
            queue.Schedule(S(0.5), () => seen.Add(queue.Now));
        });
        queue.RunUntil(S(5));

        Assert.Equal([S(1), S(1.5)], seen);
        Assert.Equal(S(5), queue.Now);
    }

    [Fact]
    public void An_event_scheduled_for_now_by_a_running_event_runs_after_those_already_due()
    {
        var queue = new EventQueue();
        var log = new List<string>();
        queue.Schedule(S(1), () =>
        {
            log.Add("first");
            queue.Schedule(TimeSpan.Zero, () => log.Add("scheduled by first"));
        });
        queue.Schedule(S(1), () => log.Add("second"));

        queue.RunUntil(S(1));

        Assert.Equal(["first", "second", "scheduled by first"], log);
    }

    [Fact]
    public void Running_until_a_time_leaves_later_events_pending()
    {
        var queue = new EventQueue();
        var ran = 0;
        queue.Schedule(S(1), () => ran++);
        queue.Schedule(S(3), () => ran++);

        queue.RunUntil(S(2));

        Assert.Equal(1, ran);
        Assert.Equal(1, queue.Pending);
        Assert.Equal(S(2), queue.Now);
        queue.RunFor(S(1));
        Assert.Equal(2, ran);
    }

    [Fact]
    public void A_negative_delay_means_now()
    {
        var queue = new EventQueue();
        queue.RunUntil(S(5));
        var at = TimeSpan.MinValue;

        queue.Schedule(S(-3), () => at = queue.Now);
        queue.RunUntil(S(5));

        Assert.Equal(S(5), at);
    }

    [Fact]
    public void Running_until_a_condition_stops_at_the_first_step_where_it_holds()
    {
        var queue = new EventQueue();
        var done = false;
        queue.Schedule(S(7.3), () => done = true);

        Assert.True(queue.RunUntil(() => done, step: S(1), limit: S(60)));

        Assert.Equal(S(8), queue.Now);
    }

    [Fact]
    public void Running_until_a_condition_gives_up_at_the_limit()
    {
        var queue = new EventQueue();
        var late = false;
        queue.Schedule(S(100), () => late = true);

        Assert.False(queue.RunUntil(() => late, step: S(3), limit: S(10)));

        Assert.Equal(S(10), queue.Now);
        Assert.False(late);
    }

    [Fact]
    public void A_condition_that_already_holds_costs_no_time()
    {
        var queue = new EventQueue();

        Assert.True(queue.RunUntil(() => true, step: S(1), limit: S(10)));
        Assert.Equal(TimeSpan.Zero, queue.Now);
    }
}
