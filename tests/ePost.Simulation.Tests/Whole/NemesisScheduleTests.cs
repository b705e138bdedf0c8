using ePost.Simulation.Whole;

namespace ePost.Simulation.Tests.Whole;

/// <summary>The fault schedule: fixed by the seed, and every fault over before the window ends.</summary>
public sealed class NemesisScheduleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public void The_same_seed_draws_the_same_schedule_and_another_seed_another()
    {
        var a = NemesisSchedule.Draw(NemesisKind.All, 20, Window, 7);
        var b = NemesisSchedule.Draw(NemesisKind.All, 20, Window, 7);
        var c = NemesisSchedule.Draw(NemesisKind.All, 20, Window, 8);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(NemesisSchedule.Skews(NemesisKind.All, 20, 7), NemesisSchedule.Skews(NemesisKind.All, 20, 7));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_fault_ends_inside_the_window_and_no_node_is_killed_twice_at_once(int seed)
    {
        var schedule = NemesisSchedule.Draw(NemesisKind.All, 12, Window, seed);

        Assert.All(schedule, e => Assert.InRange(e.At, TimeSpan.Zero, Window));
        foreach (var kind in new[] { NemesisKind.Kill, NemesisKind.Partition, NemesisKind.Loss, NemesisKind.Duplicate, NemesisKind.Reorder })
        {
            var events = schedule.Where(e => e.Kind == kind).ToList();
            Assert.NotEmpty(events);
            Assert.Equal(events.Count(e => e.Start), events.Count(e => !e.Start));
        }
        var down = new HashSet<int>();
        foreach (var e in schedule.Where(e => e.Kind == NemesisKind.Kill))
            Assert.True(e.Start ? down.Add(e.Target) : down.Remove(e.Target), $"node {e.Target} killed while down or restarted while up");
        Assert.Empty(down);
    }

    [Fact]
    public void Skews_stay_within_two_years_and_are_zero_without_the_skew_nemesis()
    {
        Assert.All(NemesisSchedule.Skews(NemesisKind.All, 50, 3), s => Assert.InRange(s.TotalDays, -730, 730));
        Assert.Contains(NemesisSchedule.Skews(NemesisKind.All, 50, 3), s => Math.Abs(s.TotalDays) > 30);
        Assert.All(NemesisSchedule.Skews(NemesisKind.Kill, 50, 3), s => Assert.Equal(TimeSpan.Zero, s));
    }

    [Fact]
    public void Nemeses_parse_from_a_list_and_unknown_ones_are_refused()
    {
        Assert.Equal(NemesisKind.All, NemesisSchedule.Parse("all"));
        Assert.Equal(NemesisKind.Kill | NemesisKind.Loss, NemesisSchedule.Parse("kill, loss"));
        Assert.Equal(NemesisKind.None, NemesisSchedule.Parse("none"));
        Assert.Throws<ArgumentException>(() => NemesisSchedule.Parse("kill,meteor"));
    }
}
