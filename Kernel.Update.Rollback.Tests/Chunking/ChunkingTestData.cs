using System.Buffers;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Store.Chunking;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Tests.Chunking;

/// <summary>Inputs for the chunker tests. Own generator, not <see cref="Random"/>: pinned boundaries must not
/// move if the runtime's seeded generator ever changes.</summary>
internal static class ChunkingTestData
{
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public static byte[] Random(int length, ulong seed)
    {
        var data = new byte[length];
        ulong state = seed;
        for (int i = 0; i < length; i += 8)
        {
            ulong value = SplitMix64(ref state);
            for (int j = 0; j < 8 && i + j < length; j++)
                data[i + j] = (byte)(value >> (8 * j));
        }
        return data;
    }

    /// <summary>Words and line breaks: a narrow byte distribution, unlike <see cref="Random"/>.</summary>
    public static byte[] Text(int length, ulong seed)
    {
        string[] words = ["the", "kernel", "update", "rollback", "of", "a", "snapshot", "to", "chunk", "store",
            "and", "file", "is", "recovery", "point", "in", "data", "for", "with", "mount", "boot", "config", "0x1f", "=", "{", "}"];
        var data = new byte[length];
        ulong state = seed;
        int i = 0;
        while (i < length)
        {
            ulong r = SplitMix64(ref state);
            string word = words[(int)(r % (ulong)words.Length)];
            for (int j = 0; j < word.Length && i < length; j++)
                data[i++] = (byte)word[j];
            if (i < length)
                data[i++] = (byte)((r >> 32) % 11 == 0 ? '\n' : ' ');
        }
        return data;
    }

    public static List<ChunkRange> Chunk(ReadOnlySpan<byte> data, in ChunkerParameters p)
    {
        var chunks = new List<ChunkRange>();
        foreach (var chunk in FastCdc.Chunks(data, p))
            chunks.Add(chunk);
        return chunks;
    }

    public static List<string> Hashes(ReadOnlySpan<byte> data, List<ChunkRange> chunks)
    {
        var hashes = new List<string>(chunks.Count);
        foreach (var (offset, length) in chunks)
            hashes.Add(Convert.ToHexString(SHA256.HashData(data.Slice((int)offset, length))));
        return hashes;
    }

    /// <summary>A file holding <paramref name="data"/> that disappears when the handle is disposed.</summary>
    public static SafeFileHandle TemporaryFile(ReadOnlySpan<byte> data)
    {
        string path = Path.Combine(Path.GetTempPath(), "kur-chunking-" + Guid.NewGuid().ToString("N"));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        RandomAccess.Write(handle, data, 0);
        return handle;
    }
}

/// <summary>A pool that counts what is out, so tests can check every buffer came back.</summary>
internal sealed class CountingArrayPool : ArrayPool<byte>
{
    public int Rented { get; private set; }

    public int Outstanding { get; private set; }

    public override byte[] Rent(int minimumLength)
    {
        Rented++;
        Outstanding++;
        return new byte[minimumLength];
    }

    public override void Return(byte[] array, bool clearArray = false) => Outstanding--;
}
