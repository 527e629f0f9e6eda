using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Restore.Block;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// The live side of a component snapshot: what changed since the point (<see cref="Diff"/>), and making the
/// live tree or block device equal to it again (<see cref="Restore"/>, <see cref="RestoreBlock"/>). A tree is
/// found at the path it was snapshotted from, beneath the configured device root; a block component at its
/// configured device or image file.
/// </summary>
public sealed class LiveComponents(RollbackConfig config, RecoveryStore store, ILogger logger)
{
    private readonly ChunkerParameters _chunking = new(config.Chunking.MinSize, config.Chunking.AvgSize, config.Chunking.MaxSize);

    public LivePlan Diff(RecoveryPointRecord point, ComponentSnapshotRecord component) =>
        Diff(component, store.LoadManifest(point, component));

    /// <summary>Compares the live tree of <paramref name="component"/> with <paramref name="manifest"/>, its manifest already loaded.</summary>
    public LivePlan Diff(ComponentSnapshotRecord component, Manifest manifest)
    {
        if (component.Block is not null)
            return AsLivePlan(DiffBlock(component, manifest), manifest);
        using var tree = ComponentTree.Open(component.Name, config.Root, component.Path, create: false);
        return new LiveTreeComparer(_chunking).Compare(tree, manifest);
    }

    /// <summary>Restores one component in place and returns what it did. Idempotent: run again, it finds nothing to do.</summary>
    /// <param name="plan">a plan <see cref="Diff"/> just made of this component, when nothing has changed it since;
    /// null to compare again (after a crash, the live tree is wherever the interrupted run left it).</param>
    /// <param name="stage">chunks already decoded and proven, or null.</param>
    /// <param name="clones">files of <paramref name="plan"/> to clone from live files (<see cref="ReflinkSources"/>), or null.</param>
    public LivePlan Restore(RecoveryPointRecord point, ComponentSnapshotRecord component, CancellationToken cancellation = default,
        LivePlan? plan = null, ChunkStage? stage = null, IReadOnlyDictionary<ManifestEntry, ManifestEntry>? clones = null)
    {
        using var batch = new TreeRestores();
        var restore = BeginRestore(point, component, cancellation, plan, stage, clones);
        batch.Add(restore);
        batch.Finish();
        return restore.Content.Plan;
    }

    /// <summary>
    /// The first half of <see cref="Restore"/> for rolling back several components with shared syncs: the content is
    /// written (not yet durable) and the returned restore holds the component open for its metadata, which
    /// <see cref="TreeRestores.Finish"/> sets once the content of every component in the batch is durable.
    /// </summary>
    /// <param name="distrust">when <paramref name="plan"/> is null: files to compare by content whatever their size and
    /// mtime (<see cref="LiveTreeComparer.Compare"/>), those an interrupted restore may have left torn.</param>
    public TreeRestore BeginRestore(RecoveryPointRecord point, ComponentSnapshotRecord component, CancellationToken cancellation = default,
        LivePlan? plan = null, ChunkStage? stage = null, IReadOnlyDictionary<ManifestEntry, ManifestEntry>? clones = null,
        IReadOnlySet<string>? distrust = null)
    {
        if (component.Block is not null)
            throw new ArgumentException($"component {component.Name} is a block component: use RestoreBlock", nameof(component));
        var tree = ComponentTree.Open(component.Name, config.Root, component.Path, create: true)!;
        try
        {
            if (plan is null)
            {
                plan = new LiveTreeComparer(_chunking).Compare(tree, store.LoadManifest(point, component), distrust);
                clones = null; // made for another plan
            }
            var restorer = new DeltaRestorer(store, logger);
            return new TreeRestore(component.Name, tree, restorer, restorer.WriteContent(tree, plan, cancellation, stage, clones));
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    /// <summary>Reads the live device or image of a block component and lists the chunks that differ from the point.</summary>
    public BlockPlan DiffBlock(ComponentSnapshotRecord component, Manifest manifest, CancellationToken cancellation = default)
    {
        using var image = BlockImage.Open(component.Name, config.LocateBlock(component.Block!), writable: false);
        return image.Compare(BlockPlan.ImageOf(manifest, component.Name), store.LoadFingerprints(component), cancellation);
    }

    /// <summary>Writes the chunks of a block component that differ from the point, durably, each read back and proven.
    /// Idempotent: run again, it finds nothing to write.</summary>
    /// <param name="plan">a plan made just before with nothing changed since, or null to compare the device again.</param>
    /// <param name="stage">chunks already decoded and proven, or null.</param>
    /// <param name="force">write even while the device is mounted read-write.</param>
    public BlockPlan RestoreBlock(RecoveryPointRecord point, ComponentSnapshotRecord component, CancellationToken cancellation = default,
        BlockPlan? plan = null, ChunkStage? stage = null, bool force = false)
    {
        using var image = BlockImage.Open(component.Name, config.LocateBlock(component.Block!), writable: true, force);
        plan ??= image.Compare(BlockPlan.ImageOf(store.LoadManifest(point, component), component.Name), store.LoadFingerprints(component), cancellation);
        var index = store.Index; // loaded here, once, not by each worker
        image.Write(plan, () => stage is null ? new ChunkReader(store.Layout, index) : stage.Over(() => new ChunkReader(store.Layout, index)),
            cancellation);
        Log.LiveBlockRestored(logger, component.Name, plan.Differing.Count, plan.Target.Chunks.Length);
        return plan;
    }

    /// <summary>A block plan as <c>diff</c> reports it: one change, to the image, when any chunk differs.</summary>
    private static LivePlan AsLivePlan(BlockPlan block, Manifest manifest)
    {
        var plan = new LivePlan(manifest);
        if (block.Differing.Count == 0)
            return plan;
        plan.Create.Add(block.Target);
        plan.Changes.Add(new LiveChange(block.Target.Path, LiveChangeKind.Modified,
            $"{block.Differing.Count} of {block.Target.Chunks.Length} chunks differ ({Units.Bytes(block.BytesToWrite)})"));
        return plan;
    }
}
