using ePost.Storage.Transfer;
using ePost.Storage.Wire;

namespace ePost.Storage.Tests.Transfer;

public sealed class ChunkAssemblerTests
{
    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Chunks_arriving_in_any_order_reassemble_into_the_original_bytes()
    {
        var original = Bytes(10_000);
        var chunks = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 5000, original, 3000);
        Assert.Equal(4, chunks.Count);
        var assembler = new ChunkAssembler(1 << 20, 4, TimeSpan.FromSeconds(30));
        AssembledObject? whole = null;
        foreach (var chunk in chunks.Reverse()) whole = assembler.Accept("a", chunk, TimeSpan.Zero, out _) ?? whole;
        Assert.Equal(original, whole!.Encoded);
        Assert.Equal(5000, whole.LeaseMs);
        Assert.Equal(0, assembler.Pending);
    }

    [Fact]
    public void A_tampered_chunk_fails_the_digest_and_is_counted()
    {
        var chunks = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 5000, Bytes(5000), 3000).ToList();
        chunks[1] = chunks[1] with { Data = chunks[1].Data.Select(b => (byte)~b).ToArray() };
        var assembler = new ChunkAssembler(1 << 20, 4, TimeSpan.FromSeconds(30));
        Assert.Null(assembler.Accept("a", chunks[0], TimeSpan.Zero, out _));
        Assert.Null(assembler.Accept("a", chunks[1], TimeSpan.Zero, out var problem));
        Assert.Contains("digest", problem);
        Assert.Equal(1, assembler.Rejected);
    }

    [Fact]
    public void Oversized_announcements_out_of_range_indexes_and_too_many_transfers_are_refused_at_bounded_cost()
    {
        var assembler = new ChunkAssembler(10_000, 1, TimeSpan.FromSeconds(30));
        var chunk = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 1, Bytes(8000), 3000)[0];
        Assert.Null(assembler.Accept("a", chunk with { Length = 2_000_000_000 }, TimeSpan.Zero, out var tooBig));
        Assert.Contains("length", tooBig);
        Assert.Null(assembler.Accept("a", chunk with { Index = 9 }, TimeSpan.Zero, out var index));
        Assert.Contains("out of range", index);
        Assert.Null(assembler.Accept("a", chunk, TimeSpan.Zero, out _));
        Assert.Null(assembler.Accept("b", chunk, TimeSpan.Zero, out var busy));
        Assert.Contains("in progress", busy);
        Assert.Equal(3, assembler.Rejected);
    }

    [Fact]
    public void A_transfer_that_stalls_past_the_timeout_is_dropped()
    {
        var assembler = new ChunkAssembler(10_000, 1, TimeSpan.FromSeconds(30));
        var chunks = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 1, Bytes(8000), 3000);
        assembler.Accept("a", chunks[0], TimeSpan.Zero, out _);
        Assert.Equal(1, assembler.ExpireOld(TimeSpan.FromSeconds(31)));
        Assert.Equal(0, assembler.Pending);
    }
}
