using System.Numerics;
using System.Runtime.InteropServices;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// The set of chunks a snapshot has claimed for storing: an open-addressing table of hashes (linear probing, at most
/// three quarters full) in native memory, freed when the snapshot ends. It lives exactly as long as one snapshot and
/// holds 32 bytes a chunk; as managed memory it would be one large object (≈1 MB for 1 GB read) that only a gen2
/// collection gives back, and a dictionary of nodes allocated one per chunk before that. SHA-256 output is uniform,
/// so its first word is the slot. Not thread-safe: <see cref="ChunkSink"/> locks around it.
/// </summary>
internal sealed unsafe class ChunkClaims : IDisposable
{
    private Hash256* _slots;
    private int _mask;
    private int _count;
    // The all-zero hash marks an empty slot, so it is kept apart (no data hashes to it in practice, but be exact).
    private bool _hasZero;

    public ChunkClaims(int expected)
    {
        int slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expected + expected / 3 + 1, 64, 1 << 30));
        _slots = Allocate(slots);
        _mask = slots - 1;
    }

    public int Count => _count;

    /// <summary>True when <paramref name="hash"/> was not claimed yet (and now is).</summary>
    public bool Add(in Hash256 hash)
    {
        ObjectDisposedException.ThrowIf(_slots == null, this);
        if (hash == default)
        {
            if (_hasZero)
                return false;
            _hasZero = true;
            _count++;
            return true;
        }
        if ((long)(_count + 1) * 4 > (long)(_mask + 1) * 3)
            Grow();
        if (!Insert(_slots, _mask, hash))
            return false;
        _count++;
        return true;
    }

    private static bool Insert(Hash256* slots, int mask, in Hash256 hash)
    {
        for (int i = hash.GetHashCode() & mask; ; i = (i + 1) & mask)
        {
            ref Hash256 slot = ref slots[i];
            if (slot == default)
            {
                slot = hash;
                return true;
            }
            if (slot == hash)
                return false;
        }
    }

    private void Grow()
    {
        int slots = (_mask + 1) * 2;
        var grown = Allocate(slots);
        for (int i = 0; i <= _mask; i++)
            if (_slots[i] != default)
                Insert(grown, slots - 1, _slots[i]);
        NativeMemory.Free(_slots);
        _slots = grown;
        _mask = slots - 1;
    }

    private static Hash256* Allocate(int slots) => (Hash256*)NativeMemory.AllocZeroed((nuint)slots, (nuint)sizeof(Hash256));

    public void Dispose()
    {
        NativeMemory.Free(_slots);
        _slots = null;
    }
}
