using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Tests.Native;

/// <summary>Decoding only the start of a zstd frame (the system libzstd, stable output): the bytes decoded equal the
/// frame's start, decoding stops within a block or two of the length asked for, and damage is -1 as for a whole frame.</summary>
public sealed class ZstdPrefixTests
{
    private static (byte[] Plain, byte[] Stored) Frame()
    {
        // Compressible and not trivially so: words from a small vocabulary in a seeded order, 4 MiB as a store frame is.
        var random = new Random(17);
        string[] words = ["kernel", "module", "rollback", "chunk", "frame", "store", "device", "journal", "\n"];
        var plain = new byte[4 << 20];
        int at = 0;
        while (at < plain.Length)
        {
            var word = System.Text.Encoding.ASCII.GetBytes(words[random.Next(words.Length)] + " ");
            int n = Math.Min(word.Length, plain.Length - at);
            word.AsSpan(0, n).CopyTo(plain.AsSpan(at));
            at += n;
        }
        using var compressor = new ZstdCompressor(3, windowLog: 22);
        var stored = new byte[Zstd.CompressBound(plain.Length)];
        int length = compressor.Compress(plain, stored);
        return (plain, stored[..length]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65_536)]
    [InlineData(1_000_003)]
    [InlineData(4 << 20)]
    public void APrefixDecodesToTheFramesStartAndStopsSoonAfter(int wanted)
    {
        var (plain, stored) = Frame();
        using var decompressor = new ZstdDecompressor();
        var destination = new byte[plain.Length];

        int decoded = decompressor.TryDecompressPrefix(stored, destination, wanted);

        Assert.InRange(decoded, wanted, plain.Length);
        if (wanted < plain.Length)
            Assert.True(decoded <= wanted + (384 << 10), $"decoded {decoded} bytes for a prefix of {wanted}");
        Assert.True(plain.AsSpan(0, decoded).SequenceEqual(destination.AsSpan(0, decoded)));
    }

    [Fact]
    public void PrefixesOneAfterAnotherReuseTheContextAndAWholeFrameStillDecodes()
    {
        var (plain, stored) = Frame();
        using var decompressor = new ZstdDecompressor();
        var destination = new byte[plain.Length];
        foreach (int wanted in new[] { 3_000_000, 10, 2_000_000 })
        {
            Array.Clear(destination);
            int decoded = decompressor.TryDecompressPrefix(stored, destination, wanted);
            Assert.True(decoded >= wanted && plain.AsSpan(0, decoded).SequenceEqual(destination.AsSpan(0, decoded)));
        }
        Assert.Equal(plain.Length, decompressor.TryDecompress(stored, destination));
        Assert.Equal(plain, destination);
    }

    [Fact]
    public void DamagedOrCutFramesAreMinusOne()
    {
        var (plain, stored) = Frame();
        using var decompressor = new ZstdDecompressor();
        var destination = new byte[plain.Length];
        Assert.Equal(-1, decompressor.TryDecompressPrefix(stored[..(stored.Length / 3)], destination, plain.Length - 10));
        var damaged = (byte[])stored.Clone();
        damaged[0] ^= 0xFF; // the magic number
        Assert.Equal(-1, decompressor.TryDecompressPrefix(damaged, destination, 1000));
    }

    [Fact]
    public void AFrameFedInPiecesAsksForMoreAndStopsSoonAfterThePrefix()
    {
        var (plain, stored) = Frame();
        using var decompressor = new ZstdDecompressor();
        // The output must not move between calls (the library checks): pinned, as the store's native buffers are.
        var destination = GC.AllocateUninitializedArray<byte>(plain.Length, pinned: true);
        const int wanted = 2_500_000, piece = 40_000;
        Assert.True(decompressor.TryBeginStream());
        var buffer = new byte[piece]; // one piece buffer, reused: the decoder keeps what it needs of a partial block
        int offset = 0, asked = 0, decoded = 0;
        while (decoded == 0)
        {
            int length = Math.Min(piece, stored.Length - offset);
            stored.AsSpan(offset, length).CopyTo(buffer);
            offset += length;
            decoded = decompressor.ContinueStream(buffer.AsSpan(0, length), destination, wanted, lastPiece: offset == stored.Length);
            asked += decoded == 0 ? 1 : 0;
        }
        Assert.True(asked > 3, $"asked for more only {asked} times");
        Assert.InRange(decoded, wanted, wanted + (384 << 10));
        Assert.True(plain.AsSpan(0, decoded).SequenceEqual(destination.AsSpan(0, decoded)));
        Assert.True(offset < stored.Length, "the whole frame was read for a prefix");
    }

    [Fact]
    public void AFrameWholeInPiecesDecodesAndOneThatEndsShortIsMinusOne()
    {
        var (plain, stored) = Frame();
        using var decompressor = new ZstdDecompressor();
        var destination = GC.AllocateUninitializedArray<byte>(plain.Length, pinned: true);
        Assert.True(decompressor.TryBeginStream());
        int half = stored.Length / 2;
        Assert.Equal(0, decompressor.ContinueStream(stored.AsSpan(0, half), destination, plain.Length, lastPiece: false));
        Assert.Equal(plain.Length, decompressor.ContinueStream(stored.AsSpan(half), destination, plain.Length, lastPiece: true));
        Assert.Equal(plain, destination);

        Assert.True(decompressor.TryBeginStream());
        Assert.Equal(0, decompressor.ContinueStream(stored.AsSpan(0, half), destination, plain.Length, lastPiece: false));
        Assert.Equal(-1, decompressor.ContinueStream([], destination, plain.Length, lastPiece: true));
    }
}
