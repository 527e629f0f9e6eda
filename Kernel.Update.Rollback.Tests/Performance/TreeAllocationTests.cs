using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Tests.Chunking;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Performance;

/// <summary>
/// Issue 8's budget for the paths that work per name rather than per MB: encoding a manifest allocates its output and
/// nothing else; decoding one and comparing a live tree with one allocate a bounded amount per entry (what an entry
/// needs: its object, its path, its chunk list, the name getdents returns), nothing per chunk beyond the entry's own list.
/// </summary>
public sealed class TreeAllocationTests
{
    private const int Directories = 40;
    private const int FilesPerDirectory = 50;

    private static Manifest GeneratedManifest(out int chunks)
    {
        ulong state = 91;
        chunks = 0;
        var entries = new List<ManifestEntry> { new() { Path = "", Kind = EntryKind.Directory, Mode = 0x1ED } };
        Span<byte> hash = stackalloc byte[Hash256.Size];
        for (int d = 0; d < Directories; d++)
        {
            string directory = $"usr/share/package-{d:D3}";
            if (d == 0)
                entries.AddRange([new() { Path = "usr", Kind = EntryKind.Directory }, new() { Path = "usr/share", Kind = EntryKind.Directory }]);
            entries.Add(new ManifestEntry { Path = directory, Kind = EntryKind.Directory, Mode = 0x1ED });
            for (int f = 0; f < FilesPerDirectory; f++)
            {
                var list = new ChunkRef[1 + f % 4];
                for (int c = 0; c < list.Length; c++)
                {
                    for (int i = 0; i < hash.Length; i += 8)
                        BitConverter.TryWriteBytes(hash[i..], ChunkingTestData.SplitMix64(ref state));
                    list[c] = new ChunkRef(Hash256.Read(hash), 65536);
                }
                chunks += list.Length;
                entries.Add(new ManifestEntry
                {
                    Path = $"{directory}/file-{f:D3}.conf", Kind = EntryKind.Regular, Mode = 0x1A4, Size = list.Length * 65536L,
                    MTimeSeconds = 1_700_000_000 + f, Inode = (ulong)entries.Count, NLink = 1, Chunks = list,
                    Xattrs = f % 10 == 1 ? [new XattrEntry("security.capability", [1, 0, 0, 2])] : [],
                });
            }
        }
        return new Manifest(entries);
    }

    [Fact]
    public void EncodingAManifestAllocatesItsOutputAndLittleElse()
    {
        var manifest = GeneratedManifest(out _);
        byte[] encoded = [];
        long bytes = AllocationMeter.OnThisThread(() => encoded = ManifestCodec.Encode(manifest));
        // The result array, plus a few small objects (writer, compressor, native buffers' handles).
        Assert.True(bytes <= encoded.Length + 1024,
            $"encoding {manifest.Entries.Count} entries allocated {bytes:N0} bytes for an output of {encoded.Length:N0}");
    }

    [Fact]
    public void DecodingAManifestAllocatesABoundedAmountPerEntry()
    {
        var manifest = GeneratedManifest(out int chunks);
        byte[] encoded = ManifestCodec.Encode(manifest);
        int entries = manifest.Entries.Count;
        long bytes = AllocationMeter.OnThisThread(() => Assert.Equal(entries, ManifestCodec.Decode(encoded).Entries.Count));
        // What an entry is: its object (~130 bytes), its path (~80), its chunk list (24 + 36 a chunk), its places in the
        // lookups (~40), rare xattrs. Chunks are counted at their own 36 bytes; everything else must fit 400 an entry.
        double perEntry = (bytes - 36.0 * chunks) / entries;
        Assert.True(perEntry <= 400, $"decoding {entries} entries and {chunks} chunks allocated {bytes:N0} bytes = {perEntry:F0} per entry beyond the chunk lists (budget 400)");
    }

    [Fact]
    public void ComparingALiveTreeAllocatesABoundedAmountPerName()
    {
        using var bed = StoreTestBed.WithOneTree();
        for (int d = 0; d < Directories; d++)
        {
            string directory = Directory.CreateDirectory(bed.Live($"tree/d{d:D2}")).FullName;
            for (int f = 0; f < FilesPerDirectory; f++)
                File.WriteAllBytes(Path.Combine(directory, $"file-{f:D3}.conf"), ChunkingTestData.Text(512, (ulong)(d * 100 + f)));
        }
        var point = bed.Snapshot();
        var store = RecoveryStore.Open(bed.Store);
        var manifest = store.LoadManifest(point, point.Components[0]);
        var comparer = new LiveTreeComparer(ChunkerParameters.ForAverage(64 << 10));

        int changes = -1;
        long bytes = AllocationMeter.OnThisThread(() =>
        {
            using var tree = ComponentTree.Open("tree", bed.Root, "tree", create: false)!;
            changes = comparer.Compare(tree, manifest).Changes.Count;
        });
        Assert.Equal(0, changes);
        // Per name: the string getdents gives (~60 bytes) and its slot in the directory's table (~24), and per directory
        // a descriptor and a child list; 200 an entry leaves room for neither a path nor a list per name.
        double perEntry = (double)bytes / manifest.Entries.Count;
        Assert.True(perEntry <= 200, $"comparing {manifest.Entries.Count} names allocated {bytes:N0} bytes = {perEntry:F0} per name (budget 200)");
    }
}
