using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Fingerprints;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// The chunks a rollback will write, decoded once. SnapshotValidation must decode the 4 MiB frames that hold
/// them to prove them; it puts each proven chunk here, and ComponentRollback writes from here instead of
/// decoding the same frames a second time (decoding is most of a restore's CPU). A scratch file in the store's
/// tmp/, never fsynced and deleted when done: after a crash it is simply gone, and the restore reads packs.
/// Up to <see cref="MaxBytes"/>: a page-cache scratch as large as a whole image would cost a small device more
/// memory and flash than decoding twice; chunks beyond it are read from packs.
/// </summary>
public sealed class ChunkStage : IDisposable
{
    public const long MaxBytes = 32L << 20;

    private readonly string _path;
    private readonly SafeFileHandle _file;
    private readonly Dictionary<Hash256, Slot> _slots;
    private readonly int[] _filled;
    // Each kept chunk's fingerprint, taken when it was proven by SHA-256 and checked when it is read back from the
    // scratch file: XXH3-128 is enough to catch damage to a file of our own, at a tenth of SHA-256's cost, and what is
    // written from here is read back from the device and proven by SHA-256 again.
    private readonly UInt128[] _fingerprints;
    private readonly ulong _seed = ChunkFingerprints.NewSeed();

    private readonly record struct Slot(long Offset, int Length, int Ordinal);

    private ChunkStage(string path, SafeFileHandle file, Dictionary<Hash256, Slot> slots)
    {
        _path = path;
        _file = file;
        _slots = slots;
        _filled = new int[slots.Count];
        _fingerprints = new UInt128[slots.Count];
    }

    /// <summary>Reserves room for <paramref name="chunks"/> (hash and plain length), in order, up to <see cref="MaxBytes"/>.</summary>
    public static ChunkStage Create(StoreLayout layout, IEnumerable<(Hash256 Hash, int Length)> chunks)
    {
        var slots = new Dictionary<Hash256, Slot>();
        long offset = 0;
        foreach (var (hash, length) in chunks)
        {
            if (offset + length > MaxBytes)
                break;
            if (slots.TryAdd(hash, new Slot(offset, length, slots.Count)))
                offset += length;
        }
        string path = Path.Combine(layout.Temp, $"stage-{Environment.ProcessId:x}-{Guid.NewGuid():N}");
        var file = DiskSteps.CreateFile(path, FileMode.CreateNew, FileAccess.ReadWrite);
        return new ChunkStage(path, file, slots);
    }

    public bool Wants(in Hash256 hash) => _slots.ContainsKey(hash);

    /// <summary>Keeps a proven chunk. Thread-safe: each chunk has its own place in the file.</summary>
    public void Put(in Hash256 hash, ReadOnlySpan<byte> plain)
    {
        if (!_slots.TryGetValue(hash, out var slot) || slot.Length != plain.Length)
            return;
        DiskSteps.Write(_file, plain, slot.Offset);
        _fingerprints[slot.Ordinal] = ChunkFingerprints.Of(plain, _seed);
        Volatile.Write(ref _filled[slot.Ordinal], 1);
    }

    /// <summary>Reads a kept chunk back and checks it again (the scratch file is ours, but not beyond damage); false when it is not here.</summary>
    public bool TryRead(in Hash256 hash, Span<byte> destination)
    {
        if (!_slots.TryGetValue(hash, out var slot) || slot.Length != destination.Length || Volatile.Read(ref _filled[slot.Ordinal]) == 0)
            return false;
        if (RandomAccess.Read(_file, destination, slot.Offset) != destination.Length)
            return false;
        return ChunkFingerprints.Of(destination, _seed) == _fingerprints[slot.Ordinal];
    }

    public void Dispose()
    {
        _file.Dispose();
        DiskSteps.DeleteFile(_path);
    }

    /// <summary>A worker's source: the stage first, the packs for the rest, opened (<paramref name="packs"/>) on the first
    /// chunk not staged: a rollback whose chunks are all here never loads the store's chunk index.</summary>
    public IChunkSource Over(Func<ChunkReader> packs) => new StagedSource(this, packs);

    private sealed class StagedSource(ChunkStage stage, Func<ChunkReader> open) : IChunkSource
    {
        private ChunkReader? _packs;

        public void Read(in Hash256 hash, Span<byte> destination)
        {
            if (!stage.TryRead(hash, destination))
                (_packs ??= open()).Read(hash, destination);
        }

        public void Dispose() => _packs?.Dispose();
    }
}
