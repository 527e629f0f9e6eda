namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>A chunk record of a pack index: the chunk, its frame's ordinal in the pack, and its place in the frame's plain bytes.</summary>
public readonly record struct IndexedChunk(Hash256 Hash, int Frame, int OffsetInFrame, int PlainLength);
