using ePost.Overlay.Routing;
using static ePost.Overlay.Tests.Support.Ids;

namespace ePost.Overlay.Tests.Routing;

public sealed class RoutingTableTests
{
    private static RoutingTable Table(string self = "a3") => new(Handle(self), bitsPerDigit: 4);

    [Theory]
    [InlineData("5", 0, 0x5)]
    [InlineData("f0", 0, 0xf)]
    [InlineData("a7", 1, 0x7)]
    [InlineData("a3c", 2, 0xc)]
    [InlineData("a30000000000000000000000000000000000000b", 39, 0xb)]
    public void A_node_goes_to_the_row_of_its_shared_prefix_and_the_column_of_its_next_digit(string id, int row, int column)
    {
        var table = Table();

        Assert.Equal((row, column), table.SlotOf(Id(id)));
        Assert.True(table.Offer(Handle(id)));
        Assert.Equal(Id(id), table.Get(row, column)!.Id);
        Assert.True(table.Contains(Id(id)));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Own_id_is_never_placed_whatever_address_claims_it()
    {
        var table = Table();

        Assert.Null(table.SlotOf(Id("a3")));
        Assert.False(table.Offer(Handle("a3")));
        Assert.False(table.Offer(new NodeHandle(Id("a3"), "fake:impostor", 9)));
        Assert.Equal(0, table.Count);
        Assert.Empty(table.Entries);
    }

    [Fact]
    public void An_occupied_slot_is_kept_unless_the_newcomer_is_preferred()
    {
        var table = Table();
        table.Offer(Handle("a71"));

        Assert.False(table.Offer(Handle("a72")));
        Assert.Equal(Id("a71"), table.Get(1, 7)!.Id);

        Assert.False(table.Offer(Handle("a72"), preferNewcomer: (_, _) => false));
        Assert.True(table.Offer(Handle("a72"), preferNewcomer: (current, newcomer) => current.Id == Id("a71") && newcomer.Id == Id("a72")));
        Assert.Equal(Id("a72"), table.Get(1, 7)!.Id);
        Assert.False(table.Contains(Id("a71")));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_later_epoch_replaces_an_entry_and_an_earlier_one_is_ignored()
    {
        var table = Table();
        table.Offer(Handle("a71", epoch: 2));

        Assert.True(table.Offer(Handle("a71", epoch: 3)));
        Assert.Equal(3, table.Get(1, 7)!.Epoch);
        Assert.False(table.Offer(Handle("a71", epoch: 1)));
        Assert.False(table.Offer(Handle("a71", epoch: 3)));
        Assert.Equal(3, table.Get(1, 7)!.Epoch);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Remove_returns_the_slot_it_emptied()
    {
        var table = Table();
        table.Offer(Handle("a71"));
        table.Offer(Handle("50"));

        Assert.Equal((1, 7), table.Remove(Id("a71")));
        Assert.Null(table.Get(1, 7));
        Assert.Equal(1, table.Count);
        Assert.Null(table.Remove(Id("a71")));
    }

    [Fact]
    public void Removing_an_id_does_not_evict_another_node_from_its_slot()
    {
        var table = Table();
        table.Offer(Handle("a71"));

        Assert.Null(table.Remove(Id("a72")));
        Assert.Equal(Id("a71"), table.Get(1, 7)!.Id);
        Assert.Null(table.Remove(Id("a3")));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Rows_and_entries_list_what_was_placed()
    {
        var table = Table();
        foreach (var id in new[] { "10", "50", "a71", "a7f", "a3c" }) table.Offer(Handle(id));

        Assert.Equal([Id("10"), Id("50")], table.Row(0).Select(n => n.Id));
        Assert.Equal([Id("a71")], table.Row(1).Select(n => n.Id)); // a7f lost to a71 for the same slot
        Assert.Equal([Id("a3c")], table.Row(2).Select(n => n.Id));
        Assert.Empty(table.Row(3));
        Assert.Equal(4, table.Entries.Count());
        Assert.Equal(4, table.Count);
    }

    [Fact]
    public void Rows_are_allocated_only_when_first_used()
    {
        // Warm up: the first construction and offer load and compile code.
        Table().Offer(Handle("a30000000000000000000000000000000000000c"));
        var deep = Handle("a30000000000000000000000000000000000000b");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var table = Table();
        var empty = GC.GetAllocatedBytesForCurrentThread() - before;
        table.Offer(deep);
        var oneEntry = GC.GetAllocatedBytesForCurrentThread() - before - empty;

        // 40 rows of 16 references would be over 5 KB: an empty table holds only the array of row slots, and
        // an entry in row 39 allocates that one row.
        Assert.True(empty < 1024, $"an empty table allocated {empty} bytes");
        Assert.True(oneEntry < 1024, $"one entry allocated {oneEntry} bytes");
        Assert.Equal(1, table.Count);
        Assert.Empty(Enumerable.Range(0, 39).SelectMany(table.Row));
    }

    [Fact]
    public void Highest_populated_row_follows_entries_in_and_out()
    {
        var table = Table();
        Assert.Equal(-1, table.HighestPopulatedRow);

        table.Offer(Handle("50"));
        Assert.Equal(0, table.HighestPopulatedRow);
        table.Offer(Handle("a3c"));
        Assert.Equal(2, table.HighestPopulatedRow);
        table.Remove(Id("a3c"));
        Assert.Equal(0, table.HighestPopulatedRow);
        table.Remove(Id("50"));
        Assert.Equal(-1, table.HighestPopulatedRow);
    }

    [Theory]
    [InlineData(1, 160, 2)]
    [InlineData(2, 80, 4)]
    [InlineData(8, 20, 256)]
    public void Digit_width_sets_the_shape(int bits, int rows, int columns)
    {
        var table = new RoutingTable(Handle("a3"), bits);
        Assert.Equal(rows, table.Rows);
        Assert.Equal(columns, table.Columns);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void A_digit_width_that_does_not_divide_160_is_refused(int bits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoutingTable(Handle("a3"), bits));
}
