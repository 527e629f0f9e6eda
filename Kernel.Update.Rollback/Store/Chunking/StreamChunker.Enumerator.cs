namespace Kernel.Update.Rollback.Store.Chunking;

public sealed partial class StreamChunker
{
    /// <summary>The chunks of the range given to <see cref="Read"/>.</summary>
    public ref struct Enumerator
    {
        private readonly StreamChunker _chunker;

        internal Enumerator(StreamChunker chunker) => _chunker = chunker;

        /// <summary>Valid until the next <see cref="MoveNext"/>: its bytes live in the chunker's buffer.</summary>
        public readonly FileChunk Current
        {
            get
            {
                var c = _chunker;
                return new FileChunk(c._buffer.AsSpan(c._chunkStart, c._chunkLength), c._bufferOffset + c._chunkStart);
            }
        }

        public readonly Enumerator GetEnumerator() => this;

        public readonly bool MoveNext() => _chunker.MoveNext();
    }
}

/// <summary>A chunk read from a file: its bytes, and where they are in the file.</summary>
public readonly ref struct FileChunk(ReadOnlySpan<byte> data, long offset)
{
    public ReadOnlySpan<byte> Data { get; } = data;

    public long Offset { get; } = offset;

    public int Length => Data.Length;

    public ChunkRange Range => new(Offset, Data.Length);
}
