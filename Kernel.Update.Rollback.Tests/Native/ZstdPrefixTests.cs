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
}
