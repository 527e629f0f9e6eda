using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;

namespace Kernel.Update.Rollback.Tests.Store;

/// <summary>The free-space check on a real, small ext4 (a loop device), as on a device's data partition.</summary>
public sealed class SmallStoreFileSystemTests
{
    [LoopDeviceFact]
    public void ASnapshotThatWouldNotFitTheStoresFileSystemIsRefusedBeforeItWritesAndOneThatFitsIsTaken()
    {
        using var fs = new Ext4Mount(48L << 20);
        using var bed = StoreTestBed.WithOneTree(extraJson: "\"reserveBytes\": 4194304", storeDirectory: Path.Combine(fs.Root, "store"));
        var random = new Random(3);
        for (int i = 0; i < 15; i++)
        {
            var data = new byte[4 << 20]; // incompressible: 60 MiB cannot fit in 48
            random.NextBytes(data);
            File.WriteAllBytes(bed.Live($"tree/big{i:D2}.bin"), data);
        }

        var refused = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot").Expect(2);
        Assert.Contains("free", refused.StdErr);
        Assert.Contains("reserve", refused.StdErr);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(bed.Store, "packs")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(bed.Store, "manifests")));
        Assert.Empty(bed.Catalog.Points);

        for (int i = 3; i < 15; i++)
            File.Delete(bed.Live($"tree/big{i:D2}.bin"));
        CliRunner.RunWithConfig(bed.ConfigPath, "snapshot").EnsureSuccess();
        CliRunner.RunWithConfig(bed.ConfigPath, "verify").EnsureSuccess();
        Assert.Single(bed.Catalog.Points);
    }
}
