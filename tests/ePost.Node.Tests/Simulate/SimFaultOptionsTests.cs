using System.Text.Json;
using ePost.Node.Cli;
using ePost.Node.Simulate;

namespace ePost.Node.Tests.Simulate;

public sealed class SimFaultOptionsTests
{
    private static JsonElement Run(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, SimCommand.Run(args, output, CancellationToken.None));
        return JsonDocument.Parse(output.ToString().TrimEnd().Split('\n')[^1]).RootElement.Clone();
    }

    [Fact]
    public void A_partition_run_reports_the_split_by_side_and_whether_and_when_it_healed()
    {
        var r = Run("--nodes", "30", "--lookups", "100", "--seed", "2", "--steady-minutes", "0.5", "--partition", "0.3", "--partition-minutes", "3", "--heal-limit-minutes", "10");

        Assert.Equal("partition", r.GetProperty("scenario").GetString());
        Assert.Equal(9, r.GetProperty("split").GetProperty("minority_nodes").GetInt32());
        Assert.True(r.GetProperty("split").GetProperty("minority").GetProperty("sent").GetInt32() > 0);
        Assert.Equal(r.GetProperty("healed").GetBoolean(), r.TryGetProperty("heal_seconds", out _));
        foreach (var key in new[] { "wrong_root", "delivered_to_root", "maintenance_msgs_per_node_s", "messages_blocked" })
            Assert.True(r.TryGetProperty(key, out _), $"missing {key}");
        Assert.True(r.GetProperty("messages_blocked").GetInt64() > 0);
    }

    [Fact]
    public void A_run_without_a_partition_has_no_heal_seconds_and_loss_drops_messages()
    {
        var r = Run("--nodes", "20", "--lookups", "50", "--seed", "2", "--steady-minutes", "0.5", "--loss", "0.05");

        Assert.Equal("baseline", r.GetProperty("scenario").GetString());
        Assert.False(r.TryGetProperty("heal_seconds", out _));
        Assert.True(r.GetProperty("messages_dropped").GetInt64() > 0);
    }

    [Theory]
    [InlineData("--intransitive", "1", "--partition", "0.3")]
    [InlineData("--partition", "0.3", "--churn-median-minutes", "30")]
    [InlineData("--loss", "1.5")]
    [InlineData("--loss", "NaN")]
    [InlineData("--partition", "1")]
    [InlineData("--nodes", "2", "--partition", "0.1")]
    [InlineData("--nodes", "10", "--intransitive", "6")]
    [InlineData("--churn-median-minutes", "-1")]
    [InlineData("--latency-spread", "-2")]
    public void Impossible_fault_options_are_usage_errors(params string[] args) =>
        Assert.Throws<UsageException>(() => SimCommand.Run(args, new StringWriter(), CancellationToken.None));
}
