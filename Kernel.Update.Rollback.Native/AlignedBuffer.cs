using System.Buffers;
using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// Native memory with a fixed alignment, for O_DIRECT I/O (pooled managed arrays are not sector aligned).
/// The memory never moves, so pinning is free. Dispose frees it; use <see cref="AlignedBufferPool"/> to reuse.
/// </summary>
public sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    private byte* _pointer;
    private readonly int _length;

    /// <param name="zero">Clear the memory first. Only a caller that never reads or writes out a byte it did not
    /// write itself may pass false; untouched pages then cost no memory until used.</param>
    public AlignedBuffer(int length, int alignment = 4096, bool zero = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (alignment <= 0 || !int.IsPow2(alignment))
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Alignment must be a positive power of two.");
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, (nuint)alignment);
        _length = length;
        Alignment = alignment;
        // Fresh pages may hold anything; I/O of uninitialized memory would leak it to disk.
        if (zero)
            NativeMemory.Clear(_pointer, (nuint)length);
    }

    public int Length => _length;

    public int Alignment { get; }

    /// <summary>The start of the buffer; valid until Dispose.</summary>
    public byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return _pointer;
        }
    }

    internal AlignedBufferPool? Pool { get; set; }

    internal bool IsRented { get; set; }

    internal bool IsDisposed => _pointer == null;

    public override Span<byte> GetSpan() => new(Pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex));
        return new MemoryHandle(Pointer + elementIndex, pinnable: this);
    }

    public override void Unpin()
    {
        // Native memory does not move.
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
