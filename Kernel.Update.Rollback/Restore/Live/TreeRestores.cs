using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>A component whose content <see cref="LiveComponents.BeginRestore"/> wrote, open until its metadata is set.</summary>
public sealed class TreeRestore(string name, ComponentTree tree, DeltaRestorer restorer, DeltaRestorer.ContentWritten content) : IDisposable
{
    public string Name { get; } = name;
    public ComponentTree Tree { get; } = tree;
    public DeltaRestorer.ContentWritten Content { get; } = content;

    internal void SetMetadata() => restorer.SetMetadata(Tree, Content);

    public void Dispose() => Tree.Dispose();
}

/// <summary>
/// Tree components restored in place one after another, made durable together: a syncfs flushes a whole file system,
/// so components on one file system share the sync that makes their new content durable before any metadata is set,
/// and the sync that makes the metadata durable before any of them is recorded done (two syncs for the batch instead
/// of two per component; on the minbase tree's three components, four syncfs fewer per rollback). Nothing in a batch
/// may be recorded done before <see cref="Finish"/> returns.
/// </summary>
public sealed class TreeRestores : IDisposable
{
    private readonly List<TreeRestore> _pending = [];

    public int Count => _pending.Count;

    public void Add(TreeRestore restore) => _pending.Add(restore);

    /// <summary>Makes the content durable, sets every component's metadata in order, makes that durable, and returns the
    /// components, in order, for the caller to record done. The batch is empty afterwards.</summary>
    public IReadOnlyList<TreeRestore> Finish()
    {
        var done = _pending.ToArray();
        try
        {
            bool wrote = false;
            foreach (var restore in done)
                wrote |= restore.Content.WroteFiles;
            if (wrote)
                SyncEachFileSystem(done);
            foreach (var restore in done)
                restore.SetMetadata();
            SyncEachFileSystem(done);
            return done;
        }
        finally
        {
            Dispose();
        }
    }

    private static void SyncEachFileSystem(TreeRestore[] restores)
    {
        var synced = new HashSet<ulong>();
        foreach (var restore in restores)
            if (synced.Add(Posix.FStat(restore.Tree.Root).Device))
                DiskSteps.SyncFileSystem(restore.Tree.Root);
    }

    public void Dispose()
    {
        foreach (var restore in _pending)
            restore.Dispose();
        _pending.Clear();
    }
}
