using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// One worker's reading of block regions: 1 MiB aligned reads (what O_DIRECT needs) into one native buffer,
/// cut at fixed offsets, each chunk handed to the worker's <see cref="ChunkStorer"/> and recorded at its index in
/// the image's chunk list. No allocation per chunk.
/// </summary>
internal sealed class BlockReader : IDisposable
{
    private const int ReadLength = 1 << 20;

    private readonly ChunkStorer _storer;
    private readonly SnapshotCounters _counters;
    private readonly AlignedBuffer _buffer = new(ReadLength, 4096, zero: false);

    public BlockReader(ChunkSink sink, int compressionLevel, int maxChunkLength, SnapshotCounters counters)
    {
        _storer = new ChunkStorer(sink, compressionLevel, maxChunkLength, counters);
        _counters = counters;
    }

    public void Read(BlockRegion region)
    {
        var block = region.Block;
        long position = region.Offset;
        long end = region.Offset + region.Length;
        while (position < end)
        {
            int want = (int)Math.Min(ReadLength, end - position);
            var span = _buffer.GetSpan()[..want];
            int got;
            try
            {
                got = RandomAccess.Read(block.Handle, span, position);
            }
            catch (IOException e)
            {
                throw new RollbackException(RollbackErrorKind.Failed,
                    $"component {block.Capture.Component.Name}: block {block.Capture.AbsoluteRoot} cannot be read at offset {position}: {e.Message}");
            }
            if (got != want)
                throw new RollbackException(RollbackErrorKind.Failed,
                    $"component {block.Capture.Component.Name}: block {block.Capture.AbsoluteRoot} ended at {position + got} while {block.Size} bytes were expected (it shrank while it was read)");
            Interlocked.Add(ref _counters.BytesRead, got);
            int index = (int)(position / block.ChunkSize);
            for (int at = 0; at < got; at += block.ChunkSize, index++)
            {
                var chunk = span.Slice(at, Math.Min(block.ChunkSize, got - at));
                block.Image.Chunks[index] = _storer.Store(chunk, ZeroChunks.HashOf(chunk), block.Capture);
            }
            position += got;
        }
        Interlocked.Add(ref block.Capture.ReadBytes, region.Length);
    }

    /// <summary>Writes the frame still being filled. Call once the worker has read its last region.</summary>
    public void Finish() => _storer.Finish();

    public void Dispose()
    {
        ((IDisposable)_buffer).Dispose();
        _storer.Dispose();
    }
}
