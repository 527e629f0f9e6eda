using Kernel.Update.Rollback.Retention;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Store;

public sealed class RetentionTests
{
    private static RecoveryPointRecord Point(long sequence, params string[] categories) => new()
    {
        Id = sequence.ToString("x12"),
        Sequence = sequence,
        Components = categories.Select(c => new ComponentSnapshotRecord { Name = c.ToLowerInvariant(), Category = c, Manifest = new string('a', 64) }).ToList(),
    };

    [Fact]
    public void TheOldestPointsOverTheCategoryLimitGoFirst()
    {
        var catalog = new CatalogDocument { NextSequence = 8 };
        for (int i = 1; i <= 7; i++)
            catalog.Points.Add(Point(i, "Configuration"));
        var removed = new RetentionPolicy(5, 10).SelectForRemoval(catalog);
        Assert.Equal([1L, 2L], removed.Select(p => p.Sequence));
    }

    [Fact]
    public void TheTotalLimitAppliesAcrossCategories()
    {
        var catalog = new CatalogDocument { NextSequence = 13 };
        for (int i = 1; i <= 12; i++)
            catalog.Points.Add(Point(i, i % 3 == 0 ? "UserData" : i % 3 == 1 ? "KernelCore" : "Database"));
        var removed = new RetentionPolicy(5, 10).SelectForRemoval(catalog);
        Assert.Equal([1L, 2L], removed.Select(p => p.Sequence));
    }

    [Fact]
    public void LastKnownGoodProtectedAndPendingPointsAreNeverRemoved()
    {
        var catalog = new CatalogDocument { NextSequence = 9 };
        for (int i = 1; i <= 8; i++)
            catalog.Points.Add(Point(i, "KernelCore"));
        catalog.Points[0].LastKnownGood = true;
        catalog.Points[1].Protected = true;
        catalog.PendingUpdatePointId = catalog.Points[2].Id;
        var removed = new RetentionPolicy(2, 10).SelectForRemoval(catalog);
        Assert.Equal([4L, 5L, 6L], removed.Select(p => p.Sequence));
    }

    [Fact]
    public void PruneReclaimsTheSpaceOfChunksNoPointUsesAndTheStoreStillVerifies()
    {
        using var bed = StoreTestBed.WithOneTree(extraJson: "\"retention\": { \"maxPerCategory\": 1, \"maxTotal\": 10 }");
        var random = new Random(1);
        for (int round = 0; round < 3; round++)
        {
            var data = new byte[2 << 20];
            random.NextBytes(data);
            File.WriteAllBytes(bed.Live("tree/data.bin"), data);
            bed.Snapshot($"round {round}");
        }
        long before = bed.PackBytes;
        var config = bed.Config;

        var result = new Pruner(bed.Store, new RetentionPolicy(config.Retention.MaxPerCategory, config.Retention.MaxTotal), config.Compression.Level, NullLogger.Instance).Prune();

        Assert.Equal(2, result.Removed.Count);
        Assert.Single(bed.Catalog.Points);
        Assert.True(bed.PackBytes <= before - (4 << 20), $"packs {before} -> {bed.PackBytes}");
        Assert.True(bed.Verify().Clean);
        string exported = bed.Export(RecoveryStore.Open(bed.Store).Catalog.Points[0]);
        Assert.Equal(File.ReadAllBytes(bed.Live("tree/data.bin")), File.ReadAllBytes(Path.Combine(exported, "tree/data.bin")));
    }
}
