using System.Security.Cryptography;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Store;

/// <summary>A frame's prefix is read from the pack and decoded only as far as asked (<see cref="ChunkReader.TryLoadFramePrefix"/>),
/// reading more when the stored bytes first read do not reach it, and a whole frame still loads after a prefix of it.</summary>
public sealed class FramePrefixReadTests
{
    private static (ChunkReader Reader, byte[] Plain) OneFrame(TempDirectory directory, byte[][] chunks)
    {
        var layout = new StoreLayout(directory.Combine("store"));
        var index = TestPacks.Write(layout, chunks.Select(c => (Hash256.Read(SHA256.HashData(c)), c, 0L)));
        Assert.Single(index.FramesOf(0).ToArray());
        return (new ChunkReader(layout, index), [.. chunks.SelectMany(c => c)]);
    }

    private static void AssertPrefixes(ChunkReader reader, byte[] plain, params int[] lengths)
    {
        foreach (int length in lengths)
        {
            Assert.True(reader.TryLoadFramePrefix(0, 0, length, out string? problem), problem);
            var loaded = reader.LoadedFrame;
            Assert.InRange(loaded.Length, length, plain.Length);
            Assert.True(loaded.SequenceEqual(plain.AsSpan(0, loaded.Length)), $"the prefix of {length} bytes differs");
        }
    }

    [Fact]
    public void AFrameWhoseStartCompressesWorseThanItsEndIsReadOnAsTheDecodeAsks()
    {
        using var directory = new TempDirectory();
        // Random bytes, then zeros: the frame's average ratio says a prefix of the random part needs far fewer stored bytes
        // than it does, so the first read falls short and the reader reads on.
        byte[][] chunks = [.. Enumerable.Range(0, 10).Select(i => TestFiles.RandomBytes(300 + i, 200_000)), .. Enumerable.Range(0, 10).Select(Zeros)];
        var (reader, plain) = OneFrame(directory, chunks);
        using (reader)
            AssertPrefixes(reader, plain, 100, 1_500_000, 1_900_000, 3_000_000, plain.Length);
    }

    /// <summary>Zeros but for a first byte that tells them apart (a frame holds distinct chunks).</summary>
    private static byte[] Zeros(int index)
    {
        var bytes = new byte[200_000];
        bytes[0] = (byte)(index + 1);
        return bytes;
    }

    [Fact]
    public void ARawFramesPrefixIsItsStoredStart()
    {
        using var directory = new TempDirectory();
        byte[][] chunks = [.. Enumerable.Range(0, 8).Select(i => TestFiles.RandomBytes(400 + i, 150_000))];
        var (reader, plain) = OneFrame(directory, chunks);
        using (reader)
            AssertPrefixes(reader, plain, 10, 700_000, plain.Length);
    }
}
