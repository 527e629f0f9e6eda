namespace Kernel.Update.Rollback.Store.Chunking;

/// <summary>
/// Cuts a whole in-memory region into chunks: <c>foreach (var (offset, length) in FastCdc.Chunks(region, p))</c>.
/// The region's end is the end of the data, so the last chunk may be shorter than the minimum.
/// </summary>
public ref struct ChunkEnumerator
{
    private readonly ReadOnlySpan<byte> _region;
    private readonly ChunkerParameters _parameters;
    private int _offset;
    private ChunkRange _current;

    public ChunkEnumerator(ReadOnlySpan<byte> region, in ChunkerParameters p)
    {
        if (!p.IsInitialized)
            ChunkingThrowHelper.ThrowUninitializedParameters();
        _region = region;
        _parameters = p;
    }

    public readonly ChunkRange Current => _current;

    public readonly ChunkEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_offset >= _region.Length)
            return false;
        int length = FastCdc.NextCut(_region[_offset..], _parameters, isFinal: true);
        _current = new ChunkRange(_offset, length);
        _offset += length;
        return true;
    }
}
