using System.Security.Cryptography;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// One worker's way into the store: hash a chunk, and if the store lacks it, put it into the worker's frame,
/// which is compressed and appended to a pack when full; each component is credited its share of the pack
/// bytes. No allocation per chunk. <see cref="Finish"/> writes the last, partly filled frame.
/// </summary>
internal sealed class ChunkStorer : IDisposable
{
    private readonly ChunkSink _sink;
    private readonly SnapshotCounters _counters;
    private readonly FrameBuilder _frame;
    // The components whose new chunks wait in the frame, with their plain bytes, so each is credited its share of the frame's pack bytes.
    private readonly List<(ComponentCapture Component, int Plain)> _pending = [];

    public ChunkStorer(ChunkSink sink, int compressionLevel, int maxChunkLength, SnapshotCounters counters, int frameLength = FrameBuilder.DefaultTargetLength)
    {
        _sink = sink;
        _counters = counters;
        _frame = new FrameBuilder(sink.Packs, compressionLevel, maxChunkLength, frameLength);
    }

    /// <param name="orderKey">where the chunk goes in its frame (<see cref="FrameBuilder.Add"/>): the size of its file.</param>
    public ChunkRef Store(ReadOnlySpan<byte> chunk, ComponentCapture component, long orderKey) => Store(chunk, Hash(chunk), component, orderKey);

    /// <summary>Stores a chunk whose hash the caller already has (<see cref="ZeroChunks"/>).</summary>
    public ChunkRef Store(ReadOnlySpan<byte> chunk, Hash256 hash, ComponentCapture component, long orderKey = 0)
    {
        if (_sink.Claim(hash))
        {
            _pending.Add((component, chunk.Length));
            if (_frame.Add(hash, chunk, orderKey) is { } written)
                Credit(written);
        }
        return new ChunkRef(hash, chunk.Length);
    }

    private static Hash256 Hash(ReadOnlySpan<byte> chunk)
    {
        Span<byte> digest = stackalloc byte[Hash256.Size];
        SHA256.HashData(chunk, digest);
        return Hash256.Read(digest);
    }

    public void Finish()
    {
        if (_frame.Flush() is { } written)
            Credit(written);
    }

    private void Credit(FrameWritten written)
    {
        foreach (var (component, plain) in _pending)
            Interlocked.Add(ref component.AddedBytes, (long)written.PackBytes * plain / written.PlainLength);
        Interlocked.Add(ref _counters.BytesAdded, written.PackBytes);
        _pending.Clear();
    }

    public void Dispose() => _frame.Dispose();
}
