using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Enumeration;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <c>cdc-study DIR [--level N] [--max-file-mib N]</c>: chunks every regular file under DIR with average sizes
/// 8 to 128 KiB (min = avg/4, max = avg*4) and prints, for each, the chunks, the unique chunks, their plain and
/// zstd sizes; then inserts 100 random bytes into the middle of every file over 1 MiB and prints what the
/// edited files would add to the store. The numbers from which to pick the default average size.
/// </summary>
internal static class CdcStudy
{
    private static readonly int[] AverageKiB = [8, 16, 32, 64, 128];
    private const int EditBytes = 100;
    private const long EditThreshold = 1 << 20;

    private sealed class Totals
    {
        public readonly ConcurrentDictionary<UInt128, byte> Unique = new();
        public readonly ConcurrentDictionary<UInt128, byte> Added = new();
        public long Chunks, UniqueBytes, UniqueCompressed;
        public long EditChunks, AddedChunks, AddedBytes, AddedCompressed;
    }

    /// <summary>One worker's zstd context and scratch buffer.</summary>
    private sealed class Worker(int level) : IDisposable
    {
        public readonly ZstdCompressor Compressor = new(level);
        public readonly byte[] Compressed = new byte[Zstd.CompressBound(128 << 12)];

        public void Dispose() => Compressor.Dispose();
    }

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: cdc-study DIR [--level N] [--max-file-mib N]");
            return 2;
        }
        string root = Path.GetFullPath(args[0]);
        int level = 3;
        long maxFile = 1L << 30;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--level")
                level = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--max-file-mib")
                maxFile = long.Parse(args[i + 1], CultureInfo.InvariantCulture) << 20;
        }

        var stopwatch = Stopwatch.StartNew();
        var files = ListFiles(root, maxFile, out long skipped);
        long totalBytes = files.Sum(f => f.Length);
        Console.WriteLine($"cdc-study {root}: {files.Count} regular files, {Gib(totalBytes)} ({skipped} larger than {maxFile >> 20} MiB skipped), zstd level {level}");

        var parameters = AverageKiB.Select(kib => ChunkerParameters.ForAverage(kib << 10)).ToArray();
        var totals = AverageKiB.Select(_ => new Totals()).ToArray();
        var wholeFiles = new ConcurrentDictionary<UInt128, byte>();
        long wholeFileUniqueBytes = 0, edited = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };

        // Pass 1: the tree as it is.
        Parallel.ForEach(files, options, () => new Worker(level), (file, _, worker) =>
        {
            byte[]? data = TryRead(file.Path);
            if (data is null)
                return worker;
            if (wholeFiles.TryAdd(Hash(data), 0))
                Interlocked.Add(ref wholeFileUniqueBytes, data.Length);
            for (int k = 0; k < parameters.Length; k++)
            {
                var t = totals[k];
                long chunks = 0;
                foreach (var (offset, length) in FastCdc.Chunks(data, parameters[k]))
                {
                    chunks++;
                    var chunk = data.AsSpan((int)offset, length);
                    if (!t.Unique.TryAdd(Hash(chunk), 0))
                        continue;
                    Interlocked.Add(ref t.UniqueBytes, length);
                    Interlocked.Add(ref t.UniqueCompressed, Compress(worker, chunk));
                }
                Interlocked.Add(ref t.Chunks, chunks);
            }
            return worker;
        }, worker => worker.Dispose());
        Console.WriteLine($"pass 1 (as is) done in {stopwatch.Elapsed.TotalSeconds:F0} s");

        // Pass 2: every file over 1 MiB with 100 random bytes inserted in its middle, against the store of pass 1.
        Parallel.ForEach(files.Where(f => f.Length > EditThreshold), options, () => new Worker(level), (file, _, worker) =>
        {
            byte[]? data = TryRead(file.Path);
            if (data is null || data.Length <= EditThreshold)
                return worker;
            Interlocked.Increment(ref edited);
            var insertion = new byte[EditBytes];
            ulong state = (ulong)file.Path.GetHashCode(StringComparison.Ordinal);
            for (int i = 0; i < insertion.Length; i++)
                insertion[i] = (byte)BenchmarkData.SplitMix64(ref state);
            int middle = data.Length / 2;
            byte[] changed = [.. data.AsSpan(0, middle), .. insertion, .. data.AsSpan(middle)];
            for (int k = 0; k < parameters.Length; k++)
            {
                var t = totals[k];
                long chunks = 0;
                foreach (var (offset, length) in FastCdc.Chunks(changed, parameters[k]))
                {
                    chunks++;
                    var chunk = changed.AsSpan((int)offset, length);
                    var hash = Hash(chunk);
                    if (t.Unique.ContainsKey(hash) || !t.Added.TryAdd(hash, 0))
                        continue;
                    Interlocked.Increment(ref t.AddedChunks);
                    Interlocked.Add(ref t.AddedBytes, length);
                    Interlocked.Add(ref t.AddedCompressed, Compress(worker, chunk));
                }
                Interlocked.Add(ref t.EditChunks, chunks);
            }
            return worker;
        }, worker => worker.Dispose());
        Console.WriteLine($"pass 2 (edits) done in {stopwatch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine();

        Console.WriteLine($"whole-file dedup alone: {Gib(wholeFileUniqueBytes)} unique of {Gib(totalBytes)}");
        Console.WriteLine($"edit: {EditBytes} random bytes inserted in the middle of each of {edited} files over {EditThreshold >> 20} MiB");
        Console.WriteLine();
        Console.WriteLine("| avg KiB | min-max KiB | chunks | mean KiB | unique chunks | unique data | dedup saves | zstd unique | stored / total | edit: new chunks | edit: new data | edit: new zstd | new zstd per edit |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int k = 0; k < parameters.Length; k++)
        {
            var t = totals[k];
            var p = parameters[k];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {AverageKiB[k]} | {p.MinSize >> 10}-{p.MaxSize >> 10} | {t.Chunks:N0} | {(double)totalBytes / Math.Max(1, t.Chunks) / 1024:F1} | {t.Unique.Count:N0} | {Gib(t.UniqueBytes)} | {100.0 * (totalBytes - t.UniqueBytes) / totalBytes:F1}% | {Gib(t.UniqueCompressed)} | {100.0 * t.UniqueCompressed / totalBytes:F1}% | {t.AddedChunks:N0} | {Mib(t.AddedBytes)} | {Mib(t.AddedCompressed)} | {(double)t.AddedCompressed / Math.Max(1, edited) / 1024:F1} KiB |"));
        }
        Console.WriteLine($"total {stopwatch.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static List<(string Path, long Length)> ListFiles(string root, long maxFile, out long skipped)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        // Symbolic links are neither followed nor read (the store keeps them as links). FIFOs, sockets and device
        // nodes have length 0, like empty files, and are left out with them: reading a FIFO would block.
        var entries = new FileSystemEnumerable<(string, long)>(root, (ref FileSystemEntry e) => (e.ToFullPath(), e.Length), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0,
            ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        var files = new List<(string Path, long Length)>();
        skipped = 0;
        foreach (var (path, length) in entries)
        {
            if (length > maxFile)
                skipped++;
            else if (length > 0)
                files.Add((path, length));
        }
        return files;
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static UInt128 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]));
    }

    private static long Compress(Worker worker, ReadOnlySpan<byte> chunk) => worker.Compressor.Compress(chunk, worker.Compressed);

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F3} GiB");

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB");
}
