namespace Kernel.Update.Rollback.Store.Packs;

/// <summary>A committed pack as the catalog records it: the pack file's length, its chunk count and its index file's digest.</summary>
public sealed record PackInfo(string Id, long Length, int Chunks, string IndexSha256);
