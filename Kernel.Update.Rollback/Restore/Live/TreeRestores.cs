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
/// so components on one file system share the one sync that makes their content and metadata durable before any of
/// them is recorded done (one sync for the batch instead of one per component). Nothing in a batch may be recorded done
/// before <see cref="Finish"/> returns. Metadata is set before the content is durable: a power cut between can leave a
/// rewritten file with its snapshot size and mtime but not all of its data, which is why a resumed restore compares
/// by content every file whose content the operation changes (see <see cref="LiveTreeComparer.Compare"/>).
/// </summary>
public sealed class TreeRestores : IDisposable
{
    private readonly List<TreeRestore> _pending = [];

    public int Count => _pending.Count;

    public void Add(TreeRestore restore) => _pending.Add(restore);

    /// <summary>Sets every component's metadata in order, makes content and metadata durable, and returns the components,
    /// in order, for the caller to record done. The batch is empty afterwards.</summary>
    public IReadOnlyList<TreeRestore> Finish()
    {
        var done = _pending.ToArray();
        try
        {
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
