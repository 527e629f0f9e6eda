namespace Kernel.Update.Rollback.Native;

/// <summary>
/// A small pool of equally sized <see cref="AlignedBuffer"/>s. Keeps at most <see cref="MaxRetained"/> free
/// buffers; counts rented ones so tests can assert every buffer came back.
/// </summary>
public sealed class AlignedBufferPool : IDisposable
{
    private readonly Stack<AlignedBuffer> _free = new();
    private readonly Lock _lock = new();
    private int _rented;
    private bool _disposed;

    public AlignedBufferPool(int bufferSize, int alignment = 4096, int maxRetained = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetained);
        BufferSize = bufferSize;
        Alignment = alignment;
        MaxRetained = maxRetained;
    }

    public int BufferSize { get; }
    public int Alignment { get; }
    public int MaxRetained { get; }

    public int CurrentlyRented
    {
        get { lock (_lock) return _rented; }
    }

    /// <summary>A zero-filled buffer of <see cref="BufferSize"/> bytes. Give it back with <see cref="Return"/>.</summary>
    public AlignedBuffer Rent()
    {
        AlignedBuffer? buffer;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _free.TryPop(out buffer);
            _rented++;
        }
        if (buffer is null)
            buffer = new AlignedBuffer(BufferSize, Alignment) { Pool = this };
        else
            buffer.GetSpan().Clear(); // no data from a previous user reaches the next write
        buffer.IsRented = true;
        return buffer;
    }

    public void Return(AlignedBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Pool != this)
            throw new ArgumentException("The buffer was not rented from this pool.", nameof(buffer));
        bool free;
        lock (_lock)
        {
            if (!buffer.IsRented)
                throw new InvalidOperationException("The buffer was returned twice.");
            buffer.IsRented = false;
            _rented--;
            // A buffer its user disposed cannot be reused; dropping it keeps the pool sound.
            free = _disposed || buffer.IsDisposed || _free.Count >= MaxRetained;
            if (!free)
                _free.Push(buffer);
        }
        if (free)
            ((IDisposable)buffer).Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_free.TryPop(out AlignedBuffer? buffer))
                ((IDisposable)buffer).Dispose();
        }
    }
}
