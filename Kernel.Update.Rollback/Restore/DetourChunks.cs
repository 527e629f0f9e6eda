using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// A worker's chunk source, one batch at a time: the batch's detours (see <see cref="FrameOrder"/>) are read and proven
/// through the inner source before its files, in pack order, and held in one native buffer; every other chunk comes
/// from the inner source as it is asked for. What is held is this process's own memory, proven when it was read.
/// </summary>
internal sealed class DetourChunks(IChunkSource inner) : IChunkSource
{
    private readonly Dictionary<Hash256, (int Offset, int Length)> _held = [];
    // Native, made on the first batch with detours and freed with the worker (see FrameBuilder on why not pooled).
    private AlignedBuffer? _buffer;

    /// <summary>Drops the last batch's detours and reads <paramref name="detours"/> (at most <see cref="FrameOrder.MaxDetourBytes"/>).</summary>
    public void Load(ChunkRef[] detours)
    {
        _held.Clear();
        if (detours.Length == 0)
            return;
        _buffer ??= new AlignedBuffer(FrameOrder.MaxDetourBytes, 64, zero: false);
        int offset = 0;
        foreach (var chunk in detours)
        {
            if (chunk.Length > _buffer.Length - offset)
                break; // the plan keeps within the buffer; the rest would be read where it is needed
            try
            {
                inner.Read(chunk.Hash, _buffer.GetSpan().Slice(offset, chunk.Length));
            }
            catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
            {
                continue; // left for the file that needs it, whose error then names the file
            }
            _held[chunk.Hash] = (offset, chunk.Length);
            offset += chunk.Length;
        }
    }

    public void Read(in Hash256 hash, Span<byte> destination)
    {
        if (_held.TryGetValue(hash, out var slot) && slot.Length == destination.Length)
            _buffer!.GetSpan().Slice(slot.Offset, slot.Length).CopyTo(destination);
        else
            inner.Read(hash, destination);
    }

    public void Dispose()
    {
        inner.Dispose();
        ((IDisposable?)_buffer)?.Dispose();
        _buffer = null;
    }
}
