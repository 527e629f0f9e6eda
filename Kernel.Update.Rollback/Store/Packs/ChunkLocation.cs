namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>Where a chunk lives: which pack (its ordinal in the loaded pack set), which frame of it, and where in the frame's plain bytes.</summary>
public readonly record struct ChunkLocation(int Pack, int Frame, int OffsetInFrame, int PlainLength);
