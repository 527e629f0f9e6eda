namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// Where a store keeps its operation journal:
/// <list type="bullet">
/// <item><c>journal/current.jsonl</c>: the operation in progress. It exists from the moment the operation is
/// journaled until it is archived, so its absence means nothing was interrupted.</item>
/// <item><c>journal/last.jsonl</c>: the most recent finished operation, kept for people (replaced by the next).</item>
/// <item><c>journal/.current.jsonl.tmp</c>: a journal being created; renamed to current.jsonl once its first
/// line is durable, so current.jsonl always holds a whole start record. A leftover is deleted.</item>
/// </list>
/// The store's lock (held by the caller) keeps a second operation out.
/// </summary>
public sealed class JournalLayout
{
    public JournalLayout(string storeRoot)
    {
        Directory = Path.Combine(Path.GetFullPath(storeRoot), "journal");
        Current = Path.Combine(Directory, "current.jsonl");
        Last = Path.Combine(Directory, "last.jsonl");
        Pending = Path.Combine(Directory, ".current.jsonl.tmp");
    }

    public string Directory { get; }
    public string Current { get; }
    public string Last { get; }
    public string Pending { get; }
}
