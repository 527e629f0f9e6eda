using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Restore.Block;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Verification;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// What SnapshotValidation hands ComponentRollback: each component's plan against the live tree (or device), the
/// files a live file can be cloned from, and every chunk the plans write, proven (read and hashed) and kept in a
/// <see cref="ChunkStage"/>. Touches nothing live and writes only a scratch file in the store, so a rollback may
/// prepare while its safety point is still being committed (see <see cref="LiveRollbackActions"/>).
/// </summary>
internal sealed class RollbackPreparation : IDisposable
{
    public Dictionary<string, LivePlan> Plans { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, BlockPlan> BlockPlans { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<ManifestEntry, ManifestEntry>> Clones { get; } = new(StringComparer.Ordinal);

    /// <summary>The bytes the plans write, for progress.</summary>
    public long BytesTotal { get; private set; }

    public ChunkStage? Stage { get; private set; }
    public VerifyReport? Report { get; private set; }

    /// <summary>Drops a tree component's plan once it is carried out (its chunks stay staged for the others).</summary>
    public void Forget(string component)
    {
        Plans.Remove(component);
        Clones.Remove(component);
    }

    /// <summary>Deletes the stage.</summary>
    public void Dispose() => Stage?.Dispose();

    /// <param name="live">each component as the safety point just read it, or null to compare the live system again
    /// (a resumed run: the live tree is wherever the interrupted one left it).</param>
    public static RollbackPreparation Prepare(RollbackConfig config, ILogger logger, RecoveryPointRecord point, IReadOnlyList<string> components,
        IReadOnlyDictionary<string, Manifest> target, IReadOnlyDictionary<string, Manifest>? live, CancellationToken cancellation)
    {
        var prepared = new RollbackPreparation();
        try
        {
            var store = RecoveryStore.Open(config.Store);
            var liveComponents = new LiveComponents(config, store, logger);
            var needed = new HashSet<Hash256>();
            var chunks = new List<(Hash256, int)>();
            foreach (string name in components)
            {
                cancellation.ThrowIfCancellationRequested();
                var record = Component(point, name);
                if (record.Block is not null)
                {
                    var blockPlan = live is not null && live.TryGetValue(name, out var device)
                        ? BlockPlan.Compare(device, target[name], name)
                        : liveComponents.DiffBlock(record, target[name], cancellation);
                    prepared.BlockPlans[name] = blockPlan;
                    prepared.BytesTotal += blockPlan.BytesToWrite;
                    foreach (int index in blockPlan.Differing)
                        if (needed.Add(blockPlan.Target.Chunks[index].Hash))
                            chunks.Add((blockPlan.Target.Chunks[index].Hash, blockPlan.Target.Chunks[index].Length));
                    continue;
                }
                LivePlan plan;
                if (live is not null && live.TryGetValue(name, out var now))
                {
                    plan = ManifestComparer.Compare(now, target[name]);
                    prepared.Clones[name] = ReflinkSources.Match(now, plan);
                }
                else
                {
                    plan = liveComponents.Diff(record, target[name]);
                }
                prepared.Plans[name] = plan;
                foreach (var entry in plan.Create)
                {
                    prepared.BytesTotal += entry.DataLength;
                    foreach (var chunk in entry.Chunks)
                        if (needed.Add(chunk.Hash))
                            chunks.Add((chunk.Hash, chunk.Length));
                }
            }
            prepared.Stage = ChunkStage.Create(store.Layout, chunks);
            prepared.Report = new StoreVerifier(config.Store).Verify(point.Id, cancellation, needed, prepared.Stage.Put);
            return prepared;
        }
        catch
        {
            prepared.Dispose();
            throw;
        }
    }

    internal static ComponentSnapshotRecord Component(RecoveryPointRecord point, string name) =>
        point.Components.FirstOrDefault(c => c.Name == name)
        ?? throw new RollbackException(RollbackErrorKind.NotFound,
            $"recovery point {point.Id} has no snapshot of component '{name}' (it has: {string.Join(", ", point.Components.Select(c => c.Name))})");
}
