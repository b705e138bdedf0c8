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

    [Fact]
    public void Distinct_chunks_that_outgrow_the_announced_length_end_the_transfer_and_its_bytes_are_released()
    {
        var assembler = new ChunkAssembler(10_000, 4, TimeSpan.FromSeconds(30));
        var chunks = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 1, Bytes(9000), 3000);
        // Each chunk claims 3,000 of 9,000 bytes but carries 9,000: a peer streaming these would hold Total x Length.
        var fat = chunks.Select(c => c with { Data = Bytes(9000) }).ToList();
        Assert.Null(assembler.Accept("a", fat[0], TimeSpan.Zero, out _));
        Assert.Null(assembler.Accept("a", fat[1], TimeSpan.Zero, out var problem));
        Assert.Contains("exceed the announced length", problem);
        Assert.Equal(0, assembler.Pending);
        Assert.Equal(0, assembler.Reserved);
    }

    [Fact]
    public void One_sender_cannot_take_more_than_its_share_of_the_slots()
    {
        var assembler = new ChunkAssembler(10_000, 8, TimeSpan.FromSeconds(30), maxPendingPerSender: 2);
        Assert.Null(assembler.Accept("mallory", FirstOfNew(), TimeSpan.Zero, out _));
        Assert.Null(assembler.Accept("mallory", FirstOfNew(), TimeSpan.Zero, out _));
        Assert.Null(assembler.Accept("mallory", FirstOfNew(), TimeSpan.Zero, out var refused));
        Assert.Contains("this sender already has 2", refused);

        // Another peer's transfer still finds a slot and completes.
        var honest = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 1, Bytes(8000), 3000);
        AssembledObject? whole = null;
        foreach (var chunk in honest) whole = assembler.Accept("alice", chunk, TimeSpan.Zero, out _) ?? whole;
        Assert.Equal(Bytes(8000), whole!.Encoded);
        Assert.Equal(2, assembler.Pending);
        Assert.Equal(1, assembler.RefusedOverLimit);
    }

    [Fact]
    public void Transfers_together_reserve_no_more_than_the_byte_budget_and_an_admitted_one_always_completes()
    {
        var assembler = new ChunkAssembler(10_000, 100, TimeSpan.FromSeconds(30), maxBufferedBytes: 20_000);
        var first = Chunker.Split(RequestId.New(), TransferPurpose.Insert, 1, Bytes(8000), 3000);
        Assert.Null(assembler.Accept("a", first[0], TimeSpan.Zero, out _));
        Assert.Null(assembler.Accept("b", FirstOfNew(), TimeSpan.Zero, out _));
        Assert.Equal(16_000, assembler.Reserved);
        Assert.Null(assembler.Accept("c", FirstOfNew(), TimeSpan.Zero, out var full));
        Assert.Contains("20000-byte transfer budget", full);
        Assert.Equal(1, assembler.RefusedOverLimit);

        AssembledObject? whole = null;
        foreach (var chunk in first.Skip(1)) whole = assembler.Accept("a", chunk, TimeSpan.Zero, out _) ?? whole;
        Assert.Equal(Bytes(8000), whole!.Encoded);
        Assert.Equal(8000, assembler.Reserved);
    }

    private static ObjectChunk FirstOfNew() => Chunker.Split(RequestId.New(), TransferPurpose.Insert, 1, Bytes(8000), 3000)[0];
}
