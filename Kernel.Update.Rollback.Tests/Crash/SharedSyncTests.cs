using Kernel.Update.Rollback.Durability;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>Tree components rolled back in place on one file system share their sync: one syncfs, after every
/// component's content and metadata, makes it all durable before any component is recorded done (the crash tests prove
/// a cut anywhere before it is recovered, files left with their snapshot times but torn data included).</summary>
public sealed class SharedSyncTests
{
    private sealed class SyncCounter : IDiskStepObserver
    {
        public int FileSystemSyncs;

        public void Before(in DiskStep step)
        {
        }

        public void After(in DiskStep step)
        {
            if (step.Kind == DiskStepKind.SyncFileSystem)
                Interlocked.Increment(ref FileSystemSyncs);
        }
    }

    [Fact]
    public async Task ThreeComponentsOnOneFileSystemAreMadeDurableByOneSyncfs()
    {
        using var rollback = new PartialRollbackCase();
        var counter = new SyncCounter();
        using (DiskSteps.Observe(counter))
            await rollback.RollBackAsync();
        rollback.Check();
        Assert.Equal(1, counter.FileSystemSyncs);
    }
}
