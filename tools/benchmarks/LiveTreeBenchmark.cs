using BenchmarkDotNet.Attributes;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <see cref="LiveTreeComparer"/> (what <c>diff</c>, an incremental rollback and a resumed rollback run) on a generated tree
/// of 3,000 files in 60 directories against its own recovery point: a stat, an xattr list per name, nothing differs.
/// "Touched" gives every file of one directory in ten a new mtime, so those 300 files are read, chunked and hashed.
/// </summary>
[MemoryDiagnoser]
public class LiveTreeBenchmark
{
    public const int Files = 3000;

    private Workloads? _files;
    private Manifest? _manifest;
    private LiveTreeComparer? _comparer;

    [Params(false, true)]
    public bool Touched { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _files = Workloads.Create();
        _files.WriteTree(Files, fileBytes: 4096);
        _manifest = _files.LoadManifest(_files.Snapshot());
        if (Touched)
        {
            var later = DateTime.UtcNow.AddMinutes(1);
            foreach (string file in Directory.EnumerateFiles(_files.Tree, "*", SearchOption.AllDirectories))
                if (Path.GetFileName(Path.GetDirectoryName(file)!).EndsWith('0'))
                    File.SetLastWriteTimeUtc(file, later);
        }
        _comparer = new LiveTreeComparer(ChunkerParameters.ForAverage(64 << 10));
    }

    [Benchmark]
    public int Compare()
    {
        using var tree = ComponentTree.Open("tree", _files!.Root, "tree", create: false)!;
        return _comparer!.Compare(tree, _manifest!).Changes.Count;
    }

    [GlobalCleanup]
    public void Cleanup() => _files?.Dispose();
}
