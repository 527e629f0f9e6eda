using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// A block component's part of a snapshot: the device (or image file) as one manifest entry, <see cref="ImageName"/>,
/// under an empty root directory, so manifests, verify and restore treat it as they treat a file. The content is
/// cut into fixed chunks of the configured average size at fixed offsets: file systems change whole aligned blocks,
/// so an aligned chunk changes only where the device did, and a rollback can compare chunk i of the live device
/// with chunk i of the snapshot without cutting it again. Read in regions, one worker per core.
/// </summary>
internal sealed class BlockCapture : IDisposable
{
    /// <summary>The name of the device's content in a block component's manifest.</summary>
    public const string ImageName = "image";

    /// <summary>
    /// The plain size of a block component's frames, smaller than a tree's 4 MiB: a rollback writes scattered chunks of
    /// the image, and a chunk is read by decoding its whole frame. On the 512 MiB ext4 of the minbase tree after ~300
    /// files were edited (tools/bench/block-vs-peers.sh), the 314 chunks a rollback writes sit in frames holding, with
    /// frames of 4 MiB, 1 MiB, 512 KiB and 256 KiB: 112, 82, 58 and 40 MiB to decode, for 80.8, 84.0, 85.7 and 87.7 MiB
    /// stored (zstd -3). Decoding was the largest CPU cost of that rollback (a fifth of its samples under perf).
    /// </summary>
    public const int FrameLength = 512 << 10;

    /// <summary>Bytes a worker reads at a time: a multiple of any chunk size and sector size in use.</summary>
    public const int RegionLength = 8 << 20;

    private BlockCapture(ComponentCapture capture, SafeFileHandle handle, bool direct, long size, int chunkSize, BlockChunking chunking)
    {
        int count = (int)((size + chunkSize - 1) / chunkSize);
        Chunking = chunking;
        Capture = capture;
        Handle = handle;
        Direct = direct;
        Size = size;
        ChunkSize = chunkSize;
        Image = new ManifestEntry
        {
            Path = ImageName,
            Kind = EntryKind.Regular,
            Mode = 0b110_000_000,
            Size = size,
            Chunks = new ChunkRef[count],
        };
        Fingerprints = chunking == BlockChunking.Fixed ? new UInt128[count] : null;
        capture.Entries.Add(new ManifestEntry { Path = "", Kind = EntryKind.Directory, Mode = 0b111_000_000 });
        capture.Entries.Add(Image);
        capture.Files = 1;
        capture.DataBytes = size;
    }

    public ComponentCapture Capture { get; }
    public SafeFileHandle Handle { get; }
    /// <summary>O_DIRECT: a block device is read around the page cache, which a large device would only flush.</summary>
    public bool Direct { get; }
    public long Size { get; }
    public int ChunkSize { get; }
    public ManifestEntry Image { get; }
    public BlockChunking Chunking { get; }

    /// <summary>Each fixed chunk's fingerprint under <see cref="Seed"/>, filled in as it is read; null for content-defined chunks.</summary>
    public UInt128[]? Fingerprints { get; }

    /// <summary>The point this read compares with (see <see cref="BlockReference"/>), or null: every chunk is hashed.</summary>
    public BlockReference? Reference { get; private set; }

    public ulong Seed { get; private set; } = ChunkFingerprints.NewSeed();

    /// <summary>Compares this read with a stored point's image (<paramref name="manifest"/> and its <paramref name="fingerprints"/>),
    /// when that describes this device: same size, same chunks.</summary>
    public void CompareWith(Manifest? manifest, ChunkFingerprints? fingerprints)
    {
        if (Fingerprints is null || BlockReference.Of(manifest, fingerprints, Size, ChunkSize) is not { } reference)
            return;
        Reference = reference;
        Seed = reference.Seed;
    }

    /// <summary>The fingerprints as read, to keep beside the manifest; null for content-defined chunks.</summary>
    public ChunkFingerprints? ReadFingerprints() => Fingerprints is null ? null : new ChunkFingerprints(Seed, Fingerprints);

    // Content-defined chunks by region offset, put together by Complete once every region is read.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ChunkRef[]> _regionChunks = new();

    /// <summary>Records a region's content-defined chunks (<see cref="BlockChunking.ContentDefined"/> only).</summary>
    public void SetRegionChunks(long offset, ChunkRef[] chunks) => _regionChunks[offset] = chunks;

    /// <summary>Puts the image's chunk list together from its regions' (content-defined chunking only; fixed chunks
    /// are written into place as they are read).</summary>
    public void Complete()
    {
        if (Chunking != BlockChunking.ContentDefined)
            return;
        var all = new List<ChunkRef>();
        for (long offset = 0; offset < Size; offset += RegionLength)
            all.AddRange(_regionChunks[offset]);
        Image.Chunks = [.. all];
    }

    /// <summary>Opens the device or image file of <paramref name="component"/> at <paramref name="path"/> (a symlink such as
    /// /dev/disk/by-label/... is followed: it is the configuration's name for the device).</summary>
    public static BlockCapture Open(Component component, string path, int chunkSize, BlockChunking chunking = BlockChunking.Fixed)
    {
        FileStatus status;
        try
        {
            status = Posix.Stat(path);
        }
        catch (NativeException e)
        {
            throw new RollbackException(e.Errno == (int)Errno.ENOENT ? RollbackErrorKind.NotFound : RollbackErrorKind.Failed,
                $"component {component.Name}: block {path} cannot be found: {e.Message}");
        }
        if (status.Kind is not (FileKind.BlockDevice or FileKind.Regular))
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {component.Name}: block {path} is a {status.Kind}, not a block device or image file");
        bool device = status.Kind == FileKind.BlockDevice;
        SafeFileHandle handle;
        try
        {
            handle = Posix.Open(path, OpenFlags.ReadOnly | (device ? OpenFlags.Direct : OpenFlags.None));
        }
        catch (NativeException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {component.Name}: block {path} cannot be opened: {e.Message}");
        }
        long size = device ? BlockDevice.GetSize(handle) : status.Size;
        if (device && (size % BlockDevice.GetLogicalSectorSize(handle) != 0 || RegionLength % BlockDevice.GetLogicalSectorSize(handle) != 0))
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {component.Name}: block {path} has a size or sector size that direct reads cannot cover");
        return new BlockCapture(new ComponentCapture(component, path), handle, device, size, chunkSize, chunking);
    }

    /// <summary>The regions the device is read in, for the workers.</summary>
    public IEnumerable<BlockRegion> Regions()
    {
        for (long offset = 0; offset < Size; offset += RegionLength)
            yield return new BlockRegion(this, offset, (int)Math.Min(RegionLength, Size - offset));
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>A stretch of a block component for one worker to read: starts on a chunk boundary.</summary>
internal readonly record struct BlockRegion(BlockCapture Block, long Offset, int Length);
