using System.Security.Cryptography;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Capture;

/// <summary>
/// Block components through the real CLI: an image file and a real ext4 on a loop device are snapshotted in
/// fixed aligned chunks, verified, and restored byte for byte as image files; a re-snapshot stores only the
/// chunks that changed. Rolling back a live block device is not built yet and is refused by name.
/// </summary>
public sealed class BlockSnapshotTests
{
    [Fact]
    public void AnImageFileIsStoredRestoredExactlyAndReSnapshotsStoreOnlyWhatChanged()
    {
        using var bed = new StoreTestBed("""
            [
              { "name": "kernel", "category": "KernelCore", "block": "images/kernel.img" },
              { "name": "config", "category": "Configuration", "path": "etc" }
            ]
            """);
        Directory.CreateDirectory(bed.Live("etc"));
        File.WriteAllText(bed.Live("etc/hostname"), "device\n");
        string image = bed.Live("images/kernel.img");
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        var content = new byte[(20 << 20) + 12_345]; // not a multiple of the chunk size: the last chunk is short
        new Random(3).NextBytes(content.AsSpan(0, 12 << 20)); // the rest stays zero, as unused space on a device does
        File.WriteAllBytes(image, content);

        using var first = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot", "--json").EnsureSuccess().Json();
        string id = first.RootElement.GetProperty("id").GetString()!;
        CliRunner.RunWithConfig(bed.ConfigPath, "verify").EnsureSuccess();
        string exported = bed.Scratch("export");
        CliRunner.RunWithConfig(bed.ConfigPath, "restore", id, "--to", exported).EnsureSuccess();
        Assert.Equal(Sha(image), Sha(Path.Combine(exported, "images/kernel.img")));
        Assert.Equal("device\n", File.ReadAllText(Path.Combine(exported, "etc/hostname")));

        long packs = bed.PackBytes;
        CliRunner.RunWithConfig(bed.ConfigPath, "snapshot").EnsureSuccess();
        Assert.Equal(packs, bed.PackBytes); // nothing changed, nothing stored

        using (var file = File.OpenWrite(image))
            foreach (long offset in new long[] { 4096, 7L << 20, 15L << 20 })
            {
                file.Position = offset;
                file.Write(RandomNumberGenerator.GetBytes(4096));
            }
        using var third = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot", "--json").EnsureSuccess().Json();
        long added = bed.PackBytes - packs;
        Assert.InRange(added, 3 * 4096, 3 * 65536 + 4096); // three chunks (each holding one 4 KiB change), compressed as they will
        string changed = bed.Scratch("export-2");
        CliRunner.RunWithConfig(bed.ConfigPath, "restore", third.RootElement.GetProperty("id").GetString()!, "--to", changed).EnsureSuccess();
        Assert.Equal(Sha(image), Sha(Path.Combine(changed, "images/kernel.img")));
    }

    [Fact]
    public void ABlockComponentIsRefusedByNameWhereOnlyTreesAreComparedOrRolledBack()
    {
        using var bed = new StoreTestBed("""[{ "name": "kernel", "category": "KernelCore", "block": "kernel.img" }]""");
        File.WriteAllBytes(bed.Live("kernel.img"), new byte[1 << 20]);
        var point = bed.Snapshot();

        var rollback = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes");
        var diff = CliRunner.RunWithConfig(bed.ConfigPath, "diff", point.Id, "--components", "kernel");

        Assert.Equal(2, rollback.ExitCode);
        Assert.Contains("kernel is a block component", rollback.StdErr);
        Assert.Equal(2, diff.ExitCode);
        Assert.Null(Kernel.Update.Rollback.Operations.OperationJournal.Inspect(bed.Store));
    }

    [LoopDeviceFact]
    public void ARealExt4OnALoopDeviceIsStoredInAlignedChunksAndRestoredByteForByte()
    {
        using var loop = new LoopDevice(64L << 20);
        Sh.Run("mkfs.ext4", "-q", "-F", loop.DevicePath);
        using var bed = new StoreTestBed($$"""[{ "name": "rootfs", "category": "KernelCore", "block": "{{loop.DevicePath}}" }]""");

        using var first = CliRunner.RunWithConfig(bed.ConfigPath, "snapshot", "--json").EnsureSuccess().Json();
        long packs = bed.PackBytes;
        CliRunner.RunWithConfig(bed.ConfigPath, "snapshot").EnsureSuccess();
        CliRunner.RunWithConfig(bed.ConfigPath, "verify").EnsureSuccess();
        string exported = bed.Scratch("export");
        CliRunner.RunWithConfig(bed.ConfigPath, "restore", first.RootElement.GetProperty("id").GetString()!, "--to", exported).EnsureSuccess();

        Assert.Equal(Sha(loop.DevicePath), Sha(Path.Combine(exported, loop.DevicePath.TrimStart('/'))));
        Assert.True(bed.PackBytes - packs < 1 << 20, $"an unchanged device added {bed.PackBytes - packs} bytes");
        Assert.True(packs < 8 << 20, $"a fresh 64 MiB ext4 took {packs} bytes"); // mostly zeros and repeated metadata
    }

    private static string Sha(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
