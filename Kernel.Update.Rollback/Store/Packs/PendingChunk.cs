namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>A chunk placed in a frame that is being built: its identity and plain length.</summary>
public readonly record struct PendingChunk(Hash256 Hash, int Length);
