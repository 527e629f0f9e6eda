using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Store;

/// <summary>
/// A real rollbackctl snapshot process killed with SIGKILL at several instants (walking, packing, committing):
/// each time the store must still verify with exactly the points committed before, and the next writer must
/// collect what the killed one left.
/// </summary>
public sealed class KilledSnapshotTests
{
    [Fact]
    public void ASnapshotKilledAtAnyInstantLeavesTheStoreValidAndItsLeftoversAreCollected()
    {
        using var bed = StoreTestBed.WithOneTree();
        var random = new Random(7);
        for (int i = 0; i < 24; i++)
        {
            var data = new byte[3 << 20];
            random.NextBytes(data);
            File.WriteAllBytes(bed.Live($"tree/blob{i:D2}.bin"), data);
        }
        string first = bed.Snapshot("baseline").Id;
        for (int i = 0; i < 24; i += 2)
            File.AppendAllText(bed.Live($"tree/blob{i:D2}.bin"), "changed");
        File.WriteAllBytes(bed.Live("tree/new.bin"), RandomBytes(8 << 20, 8));

        int interrupted = 0;
        foreach (int delayMs in new[] { 60, 120, 200, 300, 450, 650, 900 })
        {
            if (CliRunner.RunAndKillAfter(delayMs, "--config", bed.ConfigPath, "snapshot", "--name", "killed"))
                interrupted++;
            var report = bed.Verify();
            Assert.True(report.Clean, $"after a kill at {delayMs} ms: " + string.Join("\n", report.Problems));
            var points = bed.Catalog.Points;
            // Either the kill came first (only the baseline) or the snapshot had committed: never anything in between.
            Assert.Contains(points, p => p.Id == first);
            if (points.Count > 1)
                break;
        }
        Assert.True(interrupted > 0, "no kill landed before the commit; the test did not test anything");

        var next = bed.Snapshot("after the kills");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(bed.Store, "tmp")));
        var named = bed.Catalog.Packs.Select(p => p.Id).ToHashSet();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(bed.Store, "packs")))
            Assert.Contains(Path.GetFileNameWithoutExtension(file), named);
        Assert.True(bed.Verify().Clean);
        var restored = bed.Export(next);
        Assert.Equal(File.ReadAllBytes(bed.Live("tree/new.bin")), File.ReadAllBytes(Path.Combine(restored, "tree/new.bin")));
    }


    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
