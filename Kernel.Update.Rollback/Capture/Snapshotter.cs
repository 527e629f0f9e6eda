using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Restore.Subvolumes;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Chunking;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Store.Packs;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// Takes a recovery point: walk every component (metadata only), check the space, read only new or changed
/// files on all cores, then make packs, indexes and manifests durable and commit the catalog by rename.
/// Killed at any instant, the store stays at its previous catalog; the leftovers go to the next writer.
/// </summary>
public sealed class Snapshotter(RollbackConfig config, ILogger logger)
{
    /// <summary>Takes the recovery point and records it, or its failure, in the store's audit log.</summary>
    public RecoveryPointRecord Create(SnapshotRequest request, CancellationToken cancellation = default) =>
        Audit.AuditLog.Record(config.Store, "snapshot", request.Reason.ToString(),
            request.Components ?? [.. config.Components.Select(c => c.Name)], request.Actor, logger,
            () => CreateCore(request, cancellation), point => point.Id);

    private RecoveryPointRecord CreateCore(SnapshotRequest request, CancellationToken cancellation)
    {
        var components = Select(request.Components);
        var layout = new StoreLayout(config.Store);
        RecoveryStore.Initialize(layout);
        using var storeLock = StoreLock.Acquire(layout);
        var store = RecoveryStore.Open(config.Store);
        // Checked under the lock, before any work: two updates may not be pending at once.
        if (request.Update == UpdateMark.BeginPending && store.Catalog.PendingUpdatePointId is { } pending)
            throw new RollbackException(RollbackErrorKind.InvalidState,
                $"an update is already pending (its recovery point is {pending}): confirm it with 'rollbackctl mark-good' or roll it back first");
        int collected = store.CollectLeftovers();
        if (collected > 0)
            Log.LeftoversCollected(logger, collected, layout.Root);

        var counters = request.Counters;
        var trees = Walk(components.Where(c => c.IsTree).ToList(), store, request, cancellation, out var work);
        var blocks = new List<BlockCapture>();
        try
        {
            foreach (var component in components)
            {
                if (component.IsTree)
                    continue;
                var block = BlockCapture.Open(component, config.Locate(component), BlockChunkSize, request.BlockChunking);
                blocks.Add(block);
                var (manifest, fingerprints) = BlockReferenceFor(store, request, component);
                block.CompareWith(manifest, fingerprints);
            }
            // Manifests in the configuration's order, trees and blocks alike.
            var captures = components.Select(c => trees.FirstOrDefault(t => t.Component == c) ?? blocks.First(b => b.Capture.Component == c).Capture).ToList();
            CheckSpace(layout, work, captures, blocks);
            return Store(request, store, layout, captures, work, blocks, cancellation);
        }
        finally
        {
            foreach (var block in blocks)
                block.Dispose();
        }
    }

    private RecoveryPointRecord Store(SnapshotRequest request, RecoveryStore store, StoreLayout layout, List<ComponentCapture> captures,
        List<FileWork> work, List<BlockCapture> blocks, CancellationToken cancellation)
    {
        var counters = request.Counters;
        counters.Phase = "reading";
        var chunking = new ChunkerParameters(config.Chunking.MinSize, config.Chunking.AvgSize, config.Chunking.MaxSize);
        using (var packs = new PackWriter(layout))
        {
            using var sink = new ChunkSink(store.Index, packs, ExpectedChunks(work, blocks));
            ReadAll(work, sink, chunking, counters, cancellation);
            ReadBlocks(blocks, sink, chunking, counters, cancellation);
            counters.Phase = "committing";
            var newPacks = packs.Complete();
            if (newPacks.Count > 0)
                DiskSteps.FsyncDirectory(layout.Packs);
            var point = new RecoveryPointRecord
            {
                Id = RecoveryPointId.New(),
                Sequence = store.Catalog.NextSequence,
                Name = request.Name ?? "",
                Reason = request.Reason,
                Created = DateTimeOffset.UtcNow,
            };
            var manifests = new Dictionary<string, Manifest>(captures.Count, StringComparer.Ordinal);
            foreach (var capture in captures)
                manifests.Add(capture.Component.Name, new Manifest(capture.Entries));
            request.ContentRead?.Invoke(manifests);
            foreach (var capture in captures)
                point.Components.Add(WriteManifest(store, capture, manifests[capture.Component.Name], blocks.Find(b => b.Capture == capture)));
            DiskSteps.FsyncDirectory(layout.Manifests);
            for (int i = 0; i < captures.Count; i++)
                if (captures[i].Component.IsTree)
                    point.Components[i].Subvolume = SubvolumeSnapshots.TryTake(layout, point.Id, captures[i].Component.Name, captures[i].AbsoluteRoot, logger);

            var next = CatalogEdit.Copy(store.Catalog);
            next.NextSequence++;
            next.Points.Add(point);
            MarkUpdate(next, point, request.Update);
            foreach (var pack in newPacks)
                next.Packs.Add(new PackRecord { Id = pack.Id, Length = pack.Length, Chunks = pack.Chunks, IndexSha256 = pack.IndexSha256 });
            cancellation.ThrowIfCancellationRequested();
            store.Commit(next);
            counters.Phase = "done";
            Log.SnapshotCommitted(logger, point.Id, point.Components.Count, packs.BytesWritten);
            return point;
        }
    }

    private static void MarkUpdate(CatalogDocument next, RecoveryPointRecord point, UpdateMark mark)
    {
        switch (mark)
        {
            case UpdateMark.BeginPending:
                next.PendingUpdatePointId = point.Id;
                break;
            case UpdateMark.Confirm:
                for (int i = 0; i < next.Points.Count; i++)
                    if (next.Points[i].LastKnownGood)
                        next.Points[i] = CatalogEdit.With(next.Points[i], lastKnownGood: false);
                point.LastKnownGood = true;
                next.PendingUpdatePointId = null;
                break;
        }
    }

    /// <summary>
    /// Walks the components on all cores: each component's root and its children first (and the children of a directory
    /// too large for one piece), then every other child directory of every component as one piece of work, largest first
    /// by the previous snapshot (a walk is one metadata system call after another, so one large component alone would keep
    /// one core busy and the other idle), then each component's pieces are put together in walk order. Their files to
    /// read are listed in component order.
    /// </summary>
    private List<ComponentCapture> Walk(List<Component> components, RecoveryStore store, SnapshotRequest request,
        CancellationToken cancellation, out List<FileWork> work)
    {
        var captures = new ComponentCapture[components.Count];
        var works = new List<FileWork>[components.Count];
        var walkers = new TreeWalker[components.Count];
        var subtrees = new List<(TreeWalker Top, TreeWalker.Subtree Subtree)>();
        try
        {
            int previousEntries = 0;
            for (int i = 0; i < components.Count; i++)
            {
                // A rollback's safety point compares with the rollback's target, already in memory, rather than reading the newest point's.
                var reference = request.QuickCheckAgainst?.GetValueOrDefault(components[i].Name);
                var previous = reference ?? LoadPrevious(store, components[i], out _);
                captures[i] = new ComponentCapture(components[i], ResolveTree(components[i]));
                works[i] = [];
                walkers[i] = new TreeWalker(captures[i], previous, reference, works[i], request.Counters, logger);
                previousEntries += walkers[i].PreviousEntries;
            }
            // No piece larger than half a worker's share: the largest-first schedule then ends within a few percent of even.
            int splitAbove = previousEntries / (2 * Environment.ProcessorCount);
            foreach (var walker in walkers)
                foreach (var subtree in walker.WalkTop(splitAbove, cancellation))
                    subtrees.Add((walker, subtree));
            subtrees.Sort(static (a, b) => b.Subtree.PreviousEntries.CompareTo(a.Subtree.PreviousEntries));
            Workers.ForEach(subtrees, item => item.Subtree.Walk(cancellation), cancellation);
            foreach (var walker in walkers)
                walker.Merge();
        }
        finally
        {
            foreach (var walker in walkers)
                walker?.Dispose();
        }
        work = [];
        foreach (var list in works)
            work.AddRange(list);
        return [.. captures];
    }

    private List<Component> Select(IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            if (config.Components.Count == 0)
                throw new RollbackException(RollbackErrorKind.InvalidInput, "the configuration has no components to snapshot");
            return [.. config.Components];
        }
        var selected = new List<Component>();
        foreach (string name in names)
        {
            var component = config.Components.FirstOrDefault(c => c.Name == name)
                ?? throw new RollbackException(RollbackErrorKind.InvalidInput,
                    $"component '{name}' is not in the configuration (known: {string.Join(", ", config.Components.Select(c => c.Name))})");
            if (!selected.Contains(component))
                selected.Add(component);
        }
        return selected;
    }

    /// <summary>The fixed chunk size of block components: the configured average rounded down to a power of two (so
    /// chunks tile the 1 MiB aligned reads and never exceed the maximum a frame takes), at least a 4 KiB page.
    /// Fixed rather than content-defined (FastCDC, as for files) by measurement: on the 512 MiB ext4 of the minbase
    /// tree, after ~300 files were edited, see the README's "Fixed or content-defined chunks for block components".</summary>
    private int BlockChunkSize => Math.Max(4096, 1 << System.Numerics.BitOperations.Log2((uint)config.Chunking.AvgSize));

    private string ResolveTree(Component component) => config.Locate(component);

    /// <summary>The component's manifest in its newest recovery point (the same tree path, or the same device), for
    /// incremental reading, with its block chunk fingerprints where it has them; damage means a full read.</summary>
    private Manifest? LoadPrevious(RecoveryStore store, Component component, out ChunkFingerprints? fingerprints)
    {
        fingerprints = null;
        RecoveryPointRecord? newest = null;
        ComponentSnapshotRecord? record = null;
        foreach (var point in store.Catalog.Points)
            foreach (var c in point.Components)
                if (c.Name == component.Name && (component.IsTree ? c.Path == component.Path : c.Block == component.Block)
                    && (newest is null || point.Sequence > newest.Sequence))
                    (newest, record) = (point, c);
        if (newest is null || record is null)
            return null;
        try
        {
            var manifest = store.LoadManifest(newest, record);
            fingerprints = store.LoadFingerprints(record);
            return manifest;
        }
        catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
        {
            Log.PreviousManifestUnusable(logger, component.Name, e.Message);
            return null;
        }
    }

    /// <summary>What a block component's read compares with: a rollback's target (its safety point then hashes only the
    /// chunks the rollback will overwrite; damaged target fingerprints already failed the rollback as corruption), else
    /// the component's newest point of the same device.</summary>
    private (Manifest? Manifest, ChunkFingerprints? Fingerprints) BlockReferenceFor(RecoveryStore store, SnapshotRequest request, Component component)
    {
        if (request.QuickCheckAgainst?.GetValueOrDefault(component.Name) is { } target)
            return (target, request.QuickCheckFingerprints?.GetValueOrDefault(component.Name));
        var manifest = LoadPrevious(store, component, out var fingerprints);
        return (manifest, fingerprints);
    }

    /// <summary>The chunks the files and devices to read would make if none were stored yet, to size the claims once.</summary>
    private int ExpectedChunks(List<FileWork> work, List<BlockCapture> blocks)
    {
        long bytes = 0;
        foreach (var item in work)
            bytes += item.Entry.Size;
        long chunks = ChunkSink.ExpectedChunks(bytes, work.Count, config.Chunking.AvgSize);
        foreach (var block in blocks)
            chunks += ChunkSink.ExpectedChunks(block.Size, 1, block.ChunkSize);
        // Past a few million claims (hundreds of GB) the table may grow on its own rather than reserve it all at once.
        return (int)Math.Min(chunks, 4_000_000);
    }

    /// <summary>Refuses before writing when the worst case (nothing compresses, nothing dedups) would not fit with the reserve.</summary>
    private void CheckSpace(StoreLayout layout, List<FileWork> work, List<ComponentCapture> captures, List<BlockCapture> blocks)
    {
        long need = 0;
        foreach (var item in work)
            need += item.Entry.Size;
        foreach (var block in blocks)
            need += block.Size;
        foreach (var capture in captures)
            need += capture.Entries.Count * 64L;
        need += need / 64; // pack entry headers and indexes
        var available = (long)Math.Min(Posix.StatVfs(layout.Root).AvailableBytes, long.MaxValue);
        if (need + config.ReserveBytes > available)
            throw new RollbackException(RollbackErrorKind.NoSpace,
                $"store {layout.Root} has {Units.Bytes(available)} free; this snapshot may need up to {Units.Bytes(need)} plus the {Units.Bytes(config.ReserveBytes)} reserve (run 'rollbackctl prune' or free space)");
    }

    /// <summary>
    /// Reads the files on one worker per core, each taking the next file in walk order (neighbours share frames,
    /// which compress better together). Exactly one reader per worker: its buffers and open frame live for the
    /// whole snapshot, and its last frame is written when its worker runs out of files.
    /// </summary>
    private void ReadAll(List<FileWork> work, ChunkSink sink, ChunkerParameters chunking, SnapshotCounters counters, CancellationToken cancellation)
    {
        if (work.Count == 0)
            return;
        ScheduleLargestFirst(work);
        Workers.ForEach(work, () => new ContentReader(sink, chunking, config.Compression.Level, counters),
            static (reader, item) => reader.Read(item), cancellation, static reader => reader.Finish());
    }

    /// <summary>Reads the block components region by region on one worker per core, each with its own frame.</summary>
    private void ReadBlocks(List<BlockCapture> blocks, ChunkSink sink, ChunkerParameters chunking, SnapshotCounters counters, CancellationToken cancellation)
    {
        var regions = new List<BlockRegion>();
        foreach (var block in blocks)
            regions.AddRange(block.Regions());
        Workers.ForEach(regions, () => new BlockReader(sink, config.Compression.Level, chunking, counters),
            static (reader, region) => reader.Read(region), cancellation, static reader => reader.Finish());
        foreach (var block in blocks)
            block.Complete();
    }

    /// <summary>Files of <see cref="LargeFile"/> or more go first, largest first, so no worker is left alone with
    /// a big file at the end; the rest keep walk order, so neighbouring small files share frames.</summary>
    private static void ScheduleLargestFirst(List<FileWork> work)
    {
        var large = new List<FileWork>();
        var small = new List<FileWork>(work.Count);
        foreach (var item in work)
            (item.Entry.Size >= LargeFile ? large : small).Add(item);
        if (large.Count == 0)
            return;
        large.Sort(static (a, b) => b.Entry.Size.CompareTo(a.Entry.Size));
        work.Clear();
        work.AddRange(large);
        work.AddRange(small);
    }

    private const long LargeFile = 1 << 20;

    /// <summary>Where <c>restore --to DIR</c> puts a block component's image: its configured name under DIR.</summary>
    private static string BlockExportPath(string block) => block.TrimStart('/');

    private ComponentSnapshotRecord WriteManifest(RecoveryStore store, ComponentCapture capture, Manifest manifest, BlockCapture? block)
    {
        var hash = store.WriteManifest(ManifestCodec.Encode(manifest, config.Compression.Level), out _);
        if (block?.ReadFingerprints() is { } fingerprints)
            store.WriteFingerprints(hash, fingerprints);
        return new ComponentSnapshotRecord
        {
            Name = capture.Component.Name,
            Category = capture.Component.Category.ToString(),
            Path = capture.Component.Path ?? BlockExportPath(capture.Component.Block!),
            Block = capture.Component.Block,
            Manifest = hash.ToString(),
            Entries = capture.Entries.Count,
            Files = capture.Files,
            DataBytes = capture.DataBytes,
            ReadBytes = capture.ReadBytes,
            AddedBytes = capture.AddedBytes,
        };
    }
}
