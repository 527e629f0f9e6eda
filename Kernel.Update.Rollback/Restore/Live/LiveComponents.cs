using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Chunking;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// The live side of a component snapshot: what changed since the point (<see cref="Diff"/>), and making the
/// live tree equal to it again (<see cref="Restore"/>). The component is found at the path it was snapshotted
/// from, beneath the configured device root.
/// </summary>
public sealed class LiveComponents(RollbackConfig config, RecoveryStore store, ILogger logger)
{
    private readonly ChunkerParameters _chunking = new(config.Chunking.MinSize, config.Chunking.AvgSize, config.Chunking.MaxSize);

    public LivePlan Diff(RecoveryPointRecord point, ComponentSnapshotRecord component)
    {
        var manifest = store.LoadManifest(point, component);
        using var tree = ComponentTree.Open(component.Name, config.Root, component.Path, create: false);
        return new LiveTreeComparer(_chunking).Compare(tree, manifest);
    }

    /// <summary>Restores one component in place and returns what it did. Idempotent: run again, it finds nothing to do.</summary>
    public LivePlan Restore(RecoveryPointRecord point, ComponentSnapshotRecord component, CancellationToken cancellation = default)
    {
        var manifest = store.LoadManifest(point, component);
        using var tree = ComponentTree.Open(component.Name, config.Root, component.Path, create: true)!;
        var plan = new LiveTreeComparer(_chunking).Compare(tree, manifest);
        new DeltaRestorer(store, logger).Apply(tree, manifest, plan, cancellation);
        return plan;
    }
}
