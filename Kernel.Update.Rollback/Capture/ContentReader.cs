using Kernel.Update.Rollback.Buffers;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// One worker's reading of changed files: read each data region in large reads into one buffer, cut it with
/// FastCDC, and hand each chunk to the worker's <see cref="ChunkStorer"/>. No allocation per chunk: the buffers
/// live as long as the worker. <see cref="Finish"/> writes the last, partly filled frame.
/// </summary>
internal sealed class ContentReader : IDisposable
{
    private readonly ChunkerParameters _chunking;
    private readonly SnapshotCounters _counters;
    private readonly ChunkStorer _storer;
    // Native, like the frame's buffers: a 1 MiB array would be a large-object allocation per worker and process
    // (a snapshot runs once per rollbackctl process, so a pool never gets it back), and those count towards gen2.
    private readonly AlignedBuffer _buffer;
    // Native: a large file's list passes the large-object threshold (a 256 MiB file has ~4,000 chunks, 147 KB).
    private readonly NativeBuffer<ChunkRef> _chunks = new(256);
    private readonly List<FileExtent> _extents = [];

    public ContentReader(ChunkSink sink, ChunkerParameters chunking, int compressionLevel, SnapshotCounters counters)
    {
        _chunking = chunking;
        _counters = counters;
        _storer = new ChunkStorer(sink, compressionLevel, chunking.MaxSize, counters);
        // Several maximum chunks per read: fewer syscalls, and the chunker always sees a whole chunk.
        _buffer = new AlignedBuffer(Math.Max(4 * chunking.MaxSize, 1 << 20), 4096, zero: false);
    }

    public void Read(FileWork work)
    {
        var entry = work.Entry;
        SafeFileHandle handle;
        try
        {
            handle = Posix.Open(work.AbsolutePath, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.NoAccessTime);
        }
        catch (NativeException e)
        {
            throw Error(work, "cannot be opened: " + e.Message);
        }
        using (handle)
        {
            var status = Posix.FStat(handle);
            if (status.Kind != FileKind.Regular || status.Inode != entry.Inode)
                throw Error(work, "was replaced while the snapshot was taken; take it again");
            _chunks.Clear();
            _extents.Clear();
            long size = status.Size;
            entry.Size = size;
            bool sparse = status.Blocks * 512 < size && FindDataExtents(handle, size);
            if (!sparse)
                _extents.Add(new FileExtent(0, size));
            long read = 0;
            try
            {
                foreach (var extent in _extents)
                    read += ChunkRegion(handle, extent.Offset, extent.Length, work);
            }
            catch (IOException e)
            {
                throw Error(work, "cannot be read: " + e.Message);
            }
            entry.Extents = sparse ? [.. _extents] : null;
            entry.Chunks = _chunks.WrittenSpan.ToArray();
            var after = Posix.FStat(handle);
            if (after.Size != size || after.MTimeSeconds != status.MTimeSeconds || after.MTimeNanoseconds != status.MTimeNanoseconds)
            {
                // Changed while we read it: what we stored may mix old and new, so make the next snapshot read it again.
                entry.CTimeSeconds = -1;
            }
            Interlocked.Add(ref work.Component.ReadBytes, read);
            Interlocked.Increment(ref _counters.FilesRead);
        }
    }

    /// <summary>Fills <see cref="_extents"/> with the data regions of a sparse file; false if it has no holes after all.</summary>
    private bool FindDataExtents(SafeFileHandle handle, long size)
    {
        long offset = 0;
        while (offset < size)
        {
            long data = Posix.SeekData(handle, offset);
            if (data < 0 || data >= size)
                break;
            long hole = Math.Min(Posix.SeekHole(handle, data), size);
            _extents.Add(new FileExtent(data, hole - data));
            offset = hole;
        }
        return !(_extents.Count == 1 && _extents[0].Offset == 0 && _extents[0].Length == size);
    }

    private long ChunkRegion(SafeFileHandle handle, long start, long length, FileWork work)
    {
        var buffer = _buffer.GetSpan();
        long position = start;
        long end = start + length;
        int filled = 0;
        int consumed = 0;
        while (true)
        {
            // Refill: move the unconsumed tail to the front, then read as much as fits.
            if (consumed > 0)
            {
                buffer[consumed..filled].CopyTo(buffer);
                filled -= consumed;
                consumed = 0;
            }
            while (filled < buffer.Length && position < end)
            {
                int want = (int)Math.Min(buffer.Length - filled, end - position);
                int got = RandomAccess.Read(handle, buffer.Slice(filled, want), position);
                if (got == 0)
                    break; // truncated while we read: the FStat after the read notices
                filled += got;
                position += got;
                Interlocked.Add(ref _counters.BytesRead, got);
            }
            bool final = position >= end || filled < buffer.Length;
            while (consumed < filled)
            {
                var remaining = buffer[consumed..filled];
                int cut = FastCdc.NextCut(remaining, _chunking, final);
                if (cut == 0)
                    break;
                _chunks.Add(_storer.Store(remaining[..cut], work.Component, work.Entry.Size));
                consumed += cut;
            }
            if (final && consumed >= filled)
                return position - start;
            if (filled == 0)
                return position - start;
        }
    }

    /// <summary>Writes the frame still being filled. Call once the worker has read its last file.</summary>
    public void Finish() => _storer.Finish();

    private static RollbackException Error(FileWork work, string what) =>
        new(RollbackErrorKind.Failed, $"component {work.Component.Component.Name}: {work.AbsolutePath} {what}");

    public void Dispose()
    {
        ((IDisposable)_buffer).Dispose();
        _chunks.Dispose();
        _storer.Dispose();
    }
}
