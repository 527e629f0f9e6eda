using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Buffers;

/// <summary>
/// A growable run of unmanaged values in native memory, freed on Dispose. For the work lists of a snapshot that
/// grow past the large-object threshold (85 KB: a big file's chunk list, a manifest body): as managed arrays
/// each doubling is a large-object allocation, and large objects are what start gen2 collections; here the
/// memory goes back to the system the moment the work is done. Not thread-safe.
/// </summary>
internal sealed unsafe class NativeBuffer<T> : IDisposable where T : unmanaged
{
    private T* _items;
    private int _capacity;
    private int _count;

    public NativeBuffer(int initialCapacity = 0)
    {
        if (initialCapacity > 0)
            Grow(initialCapacity);
    }

    public int Count => _count;

    public ReadOnlySpan<T> WrittenSpan => new(_items, _count);

    /// <summary>The written values, to change in place (sort them, say).</summary>
    public Span<T> AsSpan() => new(_items, _count);

    public void Add(in T item)
    {
        if (_count == _capacity)
            Grow(_count + 1);
        _items[_count++] = item;
    }

    /// <summary>At least <paramref name="sizeHint"/> free values after the written ones; then <see cref="Advance"/>.</summary>
    public Span<T> GetSpan(int sizeHint)
    {
        if (_capacity - _count < sizeHint)
            Grow(_count + sizeHint);
        return new Span<T>(_items + _count, _capacity - _count);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)(_capacity - _count), nameof(count));
        _count += count;
    }

    public void Clear() => _count = 0;

    private void Grow(int needed)
    {
        ObjectDisposedException.ThrowIf(_capacity < 0, this);
        long capacity = Math.Max(needed, Math.Max(16L, 2L * _capacity));
        if (capacity > Array.MaxLength)
            capacity = Math.Max(needed, Array.MaxLength);
        _items = (T*)NativeMemory.Realloc(_items, (nuint)capacity * (nuint)sizeof(T));
        _capacity = (int)capacity;
    }

    public void Dispose()
    {
        NativeMemory.Free(_items);
        _items = null;
        _count = 0;
        _capacity = -1;
    }
}
