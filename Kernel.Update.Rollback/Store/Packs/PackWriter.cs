using System.Buffers;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Durability;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>
/// Appends frames to pack files of about <see cref="DefaultTargetPackLength"/> bytes, so the store costs a few
/// large files (flash erase blocks and inodes) instead of one file per chunk. Thread-safe: workers build and
/// compress frames outside and only the append takes the lock. Nothing written here is visible until the
/// catalog that names the finished packs is committed; until then the files are leftovers to the next writer.
/// </summary>
public sealed class PackWriter : IDisposable
{
    public const long DefaultTargetPackLength = 32L << 20;

    private readonly StoreLayout _layout;
    private readonly long _targetLength;
    private readonly Lock _lock = new();
    private readonly List<PackInfo> _finished = [];
    private OpenPack? _current;

    public PackWriter(StoreLayout layout, long targetPackLength = DefaultTargetPackLength)
    {
        _layout = layout;
        _targetLength = targetPackLength;
    }

    /// <summary>Bytes appended to packs so far (headers included).</summary>
    public long BytesWritten { get; private set; }

    public int ChunksWritten { get; private set; }

    /// <summary>Appends one frame: <paramref name="chunks"/> in order, whose plain bytes total
    /// <paramref name="plainLength"/>, stored as <paramref name="stored"/> under <paramref name="codec"/>.
    /// Returns the bytes the frame takes in the pack.</summary>
    public int AppendFrame(ReadOnlySpan<PendingChunk> chunks, ChunkCodec codec, int plainLength, ReadOnlySpan<byte> stored)
    {
        int headLength = PackFormat.FrameHeadLength(chunks.Length);
        byte[] head = ArrayPool<byte>.Shared.Rent(headLength);
        OpenPack? full = null;
        try
        {
            PackFormat.WriteFrameHead(head, chunks, codec, plainLength, stored.Length);
            lock (_lock)
            {
                var pack = _current ??= OpenPack.Create(_layout, PackRecords.Rent());
                int frame = pack.Frames.Count;
                pack.Frames.Add(new FrameInfo(pack.Length, chunks.Length, plainLength, stored.Length, codec));
                int offset = 0;
                foreach (var chunk in chunks)
                {
                    pack.Chunks.Add(new IndexedChunk(chunk.Hash, frame, offset, chunk.Length));
                    offset += chunk.Length;
                }
                DiskSteps.Write(pack.File, head.AsSpan(0, headLength), pack.Length);
                DiskSteps.Write(pack.File, stored, pack.Length + headLength);
                pack.Length += headLength + stored.Length;
                BytesWritten += headLength + stored.Length;
                ChunksWritten += chunks.Length;
                if (pack.Length >= _targetLength)
                {
                    full = pack;
                    _current = null;
                }
            }
            // Outside the lock: the other workers keep appending to a new pack while this one is made durable.
            if (full is not null)
                Finish(full);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
        return headLength + stored.Length;
    }

    /// <summary>Finishes the open pack and returns every pack this writer made, data and index fsynced.
    /// The caller fsyncs the packs directory once, then commits the catalog.</summary>
    public IReadOnlyList<PackInfo> Complete()
    {
        OpenPack? last;
        lock (_lock)
        {
            last = _current;
            _current = null;
        }
        if (last is not null)
            Finish(last);
        lock (_lock)
            return _finished.ToArray();
    }

    /// <summary>Makes a full pack durable (data, then its index) and records it.</summary>
    private void Finish(OpenPack pack)
    {
        DiskSteps.FsyncFile(pack.File);
        pack.File.Dispose();
        string indexSha = PackIndexFile.Write(_layout.IndexPath(pack.Id), pack.Frames, pack.Chunks);
        lock (_lock)
            _finished.Add(new PackInfo(pack.Id, pack.Length, pack.Chunks.Count, indexSha));
        PackRecords.Return(pack.Records);
    }

    /// <summary>Abandons an unfinished write: the files stay as leftovers for the next writer to collect.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _current?.File.Dispose();
            _current = null;
        }
    }

    /// <summary>What the index of a pack records, gathered while the pack is written.</summary>
    /// <remarks>Kept for the next pack once the index is written: a pack's lists grow to ~1,500 records (~64 KB)
    /// once, and every later pack (of this snapshot, or of the next one in a long-running process) reuses them
    /// instead of growing new ones. At most <see cref="MaxSpare"/> are kept, one per worker on a small device.</remarks>
    private sealed class PackRecords
    {
        private const int MaxSpare = 2;
        private static readonly Stack<PackRecords> Spare = new(MaxSpare);
        private static readonly Lock SpareLock = new();

        public List<FrameInfo> Frames { get; } = [];
        public List<IndexedChunk> Chunks { get; } = [];

        public static PackRecords Rent()
        {
            lock (SpareLock)
                return Spare.TryPop(out var records) ? records : new PackRecords();
        }

        /// <summary>Keeps the lists; the roomiest on top, for the next pack, which is most likely a full one.</summary>
        public static void Return(PackRecords records)
        {
            records.Frames.Clear();
            records.Chunks.Clear();
            lock (SpareLock)
            {
                if (Spare.Count >= MaxSpare)
                    return;
                if (Spare.TryPeek(out var top) && top.Chunks.Capacity > records.Chunks.Capacity)
                {
                    Spare.Pop();
                    Spare.Push(records);
                    Spare.Push(top);
                    return;
                }
                Spare.Push(records);
            }
        }
    }

    private sealed class OpenPack
    {
        private OpenPack(string id, SafeFileHandle file, PackRecords records) => (Id, File, Records) = (id, file, records);

        public string Id { get; }
        public SafeFileHandle File { get; }
        public long Length { get; set; }
        public PackRecords Records { get; }
        public List<FrameInfo> Frames => Records.Frames;
        public List<IndexedChunk> Chunks => Records.Chunks;

        public static OpenPack Create(StoreLayout layout, PackRecords records)
        {
            string id = NewId();
            // Frames arrive whole and large: written at their offsets, no managed buffer.
            var file = DiskSteps.CreateFile(layout.PackPath(id), FileMode.CreateNew);
            DiskSteps.Write(file, PackFormat.PackMagic, 0);
            return new OpenPack(id, file, records) { Length = PackFormat.PackHeaderLength };
        }

        private static string NewId()
        {
            Span<byte> bytes = stackalloc byte[8];
            RandomNumberGenerator.Fill(bytes);
            return Convert.ToHexStringLower(bytes);
        }
    }
}
