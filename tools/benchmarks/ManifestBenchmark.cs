using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// A manifest shaped like a root file system's (about 7,000 entries: directories of ~50 names, files of one to four
/// chunks, symlinks, one file in eight with a security.capability or ACL xattr) encoded to and decoded from the store's
/// format (varints, prefix-compressed paths, zstd level 3). Allocated bytes per entry are what matter here.
/// </summary>
[MemoryDiagnoser]
public class ManifestBenchmark
{
    public const int Directories = 140;
    public const int NamesPerDirectory = 50;

    private Manifest? _manifest;
    private byte[] _encoded = [];

    /// <summary>Entries in the manifest (the root, the directories and their names).</summary>
    public static int Entries => 1 + Directories * (NamesPerDirectory + 1);

    [GlobalSetup]
    public void Setup()
    {
        _manifest = Create();
        _encoded = ManifestCodec.Encode(_manifest);
    }

    public static Manifest Create()
    {
        ulong state = 21;
        var entries = new List<ManifestEntry>(Entries) { new() { Path = "", Kind = EntryKind.Directory, Mode = 0b111_101_101 } };
        Span<byte> hash = stackalloc byte[Hash256.Size];
        for (int d = 0; d < Directories; d++)
        {
            string directory = $"usr/lib/x86_64-linux-gnu/package-{d:D3}";
            // Parents first, as a walk lists them; the shared prefix is listed once.
            if (d == 0)
                foreach (string parent in (string[])["usr", "usr/lib", "usr/lib/x86_64-linux-gnu"])
                    entries.Add(new ManifestEntry { Path = parent, Kind = EntryKind.Directory, Mode = 0b111_101_101 });
            entries.Add(new ManifestEntry { Path = directory, Kind = EntryKind.Directory, Mode = 0b111_101_101, MTimeSeconds = 1_700_000_000 + d });
            for (int n = 0; n < NamesPerDirectory; n++)
            {
                ulong r = BenchmarkData.SplitMix64(ref state);
                string path = $"{directory}/libname-{n:D3}.so.{r % 10}";
                if (n % 10 == 9)
                {
                    entries.Add(new ManifestEntry { Path = path, Kind = EntryKind.Symlink, Mode = 0b111_111_111, LinkTarget = $"libname-{n - 1:D3}.so.1" });
                    continue;
                }
                int chunkCount = 1 + (int)((r >> 8) % 4);
                var chunks = new ChunkRef[chunkCount];
                for (int c = 0; c < chunkCount; c++)
                {
                    for (int i = 0; i < Hash256.Size; i += 8)
                        BitConverter.TryWriteBytes(hash[i..], BenchmarkData.SplitMix64(ref state));
                    chunks[c] = new ChunkRef(Hash256.Read(hash), 16384 + (int)((r >> (16 + c)) % 65536));
                }
                long size = 0;
                foreach (var chunk in chunks)
                    size += chunk.Length;
                entries.Add(new ManifestEntry
                {
                    Path = path,
                    Kind = EntryKind.Regular,
                    Mode = 0b110_100_100,
                    MTimeSeconds = 1_700_000_000 + (long)(r % 1_000_000),
                    MTimeNanoseconds = (uint)(r % 1_000_000_000),
                    CTimeSeconds = 1_700_000_000 + (long)(r % 1_000_000),
                    Inode = 100_000 + (ulong)entries.Count,
                    NLink = 1,
                    Size = size,
                    Chunks = chunks,
                    Xattrs = n % 8 == 1 ? [new XattrEntry(n % 16 == 1 ? "security.capability" : "system.posix_acl_access", [1, 0, 0, 2, 0, 0, 0, 0])] : [],
                });
            }
        }
        return new Manifest(entries);
    }

    [Benchmark]
    public int Encode() => ManifestCodec.Encode(_manifest!).Length;

    [Benchmark]
    public int Decode() => ManifestCodec.Decode(_encoded).Entries.Count;
}
