using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;
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

    public LivePlan Diff(RecoveryPointRecord point, ComponentSnapshotRecord component) =>
        Diff(component, store.LoadManifest(point, component));

    /// <summary>Compares the live tree of <paramref name="component"/> with <paramref name="manifest"/>, its manifest already loaded.</summary>
    public LivePlan Diff(ComponentSnapshotRecord component, Manifest manifest)
    {
        RefuseBlock(component);
        using var tree = ComponentTree.Open(component.Name, config.Root, component.Path, create: false);
        return new LiveTreeComparer(_chunking).Compare(tree, manifest);
    }

    /// <summary>Restores one component in place and returns what it did. Idempotent: run again, it finds nothing to do.</summary>
    /// <param name="plan">a plan <see cref="Diff"/> just made of this component, when nothing has changed it since;
    /// null to compare again (after a crash, the live tree is wherever the interrupted run left it).</param>
    /// <param name="stage">chunks already decoded and proven, or null.</param>
    public LivePlan Restore(RecoveryPointRecord point, ComponentSnapshotRecord component, CancellationToken cancellation = default,
        LivePlan? plan = null, ChunkStage? stage = null)
    {
        RefuseBlock(component);
        using var tree = ComponentTree.Open(component.Name, config.Root, component.Path, create: true)!;
        plan ??= new LiveTreeComparer(_chunking).Compare(tree, store.LoadManifest(point, component));
        new DeltaRestorer(store, logger).Apply(tree, plan, cancellation, stage);
        return plan;
    }

    /// <summary>Live trees only: a block component's image is compared and rewritten chunk by chunk, which is not built yet.</summary>
    public static void RefuseBlock(ComponentSnapshotRecord component)
    {
        if (component.Block is not null)
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"component {component.Name} is a block component ({component.Block}): comparing and rolling back a live block device is not supported yet; name the tree components with --components");
    }
}
