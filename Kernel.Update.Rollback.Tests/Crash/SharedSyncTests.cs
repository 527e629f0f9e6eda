using Kernel.Update.Rollback.Durability;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>Tree components rolled back in place on one file system share their syncs: one syncfs makes every
/// component's new content durable before any metadata is set, one more makes it all durable before any component is
/// recorded done (the crash tests prove a cut anywhere between them is recovered).</summary>
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
    public async Task ThreeComponentsOnOneFileSystemAreMadeDurableByTwoSyncfsInAll()
    {
        using var rollback = new PartialRollbackCase();
        var counter = new SyncCounter();
        using (DiskSteps.Observe(counter))
            await rollback.RollBackAsync();
        rollback.Check();
        Assert.Equal(2, counter.FileSystemSyncs);
    }
}
