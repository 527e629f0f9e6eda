using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// One worker's reading of block regions: 1 MiB aligned reads (what O_DIRECT needs) into one native buffer,
/// cut at fixed offsets, each chunk fingerprinted, handed to the worker's <see cref="ChunkStorer"/> (with the
/// reference's identity when its fingerprint says it is unchanged, else hashed) and recorded at its index in the
/// image's chunk list. No allocation per chunk.
/// </summary>
internal sealed class BlockReader : IDisposable
{
    private const int ReadLength = 1 << 20;

    private readonly ChunkStorer _storer;
    private readonly SnapshotCounters _counters;
    private readonly ChunkerParameters _cdc;
    private AlignedBuffer _buffer = new(ReadLength, 4096, zero: false);

    public BlockReader(ChunkSink sink, int compressionLevel, ChunkerParameters chunking, SnapshotCounters counters)
    {
        _storer = new ChunkStorer(sink, compressionLevel, chunking.MaxSize, counters, BlockCapture.FrameLength);
        _counters = counters;
        _cdc = chunking;
    }

    public void Read(BlockRegion region)
    {
        if (region.Block.Chunking == BlockChunking.ContentDefined)
        {
            ReadContentDefined(region);
            return;
        }
        var block = region.Block;
        for (long position = region.Offset; position < region.Offset + region.Length; position += ReadLength)
        {
            var span = _buffer.GetSpan()[..(int)Math.Min(ReadLength, region.Offset + region.Length - position)];
            ReadExactly(block, span, position);
            Process(block, span, position);
        }
        Interlocked.Add(ref block.Capture.ReadBytes, region.Length);
    }

    /// <summary>Fingerprints each fixed chunk of <paramref name="span"/> (read at <paramref name="position"/>) and stores it.</summary>
    private void Process(BlockCapture block, ReadOnlySpan<byte> span, long position)
    {
        int index = (int)(position / block.ChunkSize);
        for (int at = 0; at < span.Length; at += block.ChunkSize, index++)
        {
            var chunk = span.Slice(at, Math.Min(block.ChunkSize, span.Length - at));
            var fingerprint = ChunkFingerprints.Of(chunk, block.Seed);
            block.Fingerprints![index] = fingerprint;
            block.Image.Chunks[index] = block.Reference is { } reference && reference.TryMatch(index, fingerprint, out var same)
                ? _storer.Store(chunk, same.Hash, block.Capture)
                : _storer.Store(chunk, ZeroChunks.HashOf(chunk), block.Capture);
        }
    }

    /// <summary>The measurement's alternative (<see cref="BlockChunking.ContentDefined"/>): the whole region in one
    /// buffer, cut by FastCDC with the store's chunk sizes, its last chunk ending at the region's end.</summary>
    private void ReadContentDefined(BlockRegion region)
    {
        var block = region.Block;
        if (_buffer.Length < BlockCapture.RegionLength)
        {
            ((IDisposable)_buffer).Dispose();
            _buffer = new AlignedBuffer(BlockCapture.RegionLength, 4096, zero: false);
        }
        var all = _buffer.GetSpan()[..region.Length];
        for (int at = 0; at < region.Length; at += ReadLength)
            ReadExactly(block, all.Slice(at, Math.Min(ReadLength, region.Length - at)), region.Offset + at);
        var chunks = new List<ChunkRef>();
        while (all.Length > 0)
        {
            int cut = FastCdc.NextCut(all, _cdc, isFinal: true);
            chunks.Add(_storer.Store(all[..cut], ZeroChunks.HashOf(all[..cut]), block.Capture));
            all = all[cut..];
        }
        block.SetRegionChunks(region.Offset, [.. chunks]);
        Interlocked.Add(ref block.Capture.ReadBytes, region.Length);
    }

    private void ReadExactly(BlockCapture block, Span<byte> span, long position)
    {
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
        if (got != span.Length)
            throw new RollbackException(RollbackErrorKind.Failed,
                $"component {block.Capture.Component.Name}: block {block.Capture.AbsoluteRoot} ended at {position + got} while {block.Size} bytes were expected (it shrank while it was read)");
        Interlocked.Add(ref _counters.BytesRead, got);
    }

    /// <summary>Writes the frame still being filled. Call once the worker has read its last region.</summary>
    public void Finish() => _storer.Finish();

    public void Dispose()
    {
        ((IDisposable)_buffer).Dispose();
        _storer.Dispose();
    }
}
