using System.Security.Cryptography;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Capture;

/// <summary>
/// Block components through the real CLI: an image file and a real ext4 on a loop device are snapshotted in
/// fixed aligned chunks, verified, and restored byte for byte as image files; a re-snapshot stores only the
/// chunks that changed; a rollback rewrites only the chunks that differ, and refuses a device mounted read-write.
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
    public void AnImageRollsBackByRewritingOnlyTheChunksThatDiffer()
    {
        using var bed = new StoreTestBed("""
            [
              { "name": "kernel", "category": "KernelCore", "block": "kernel.img" },
              { "name": "modules", "category": "DeviceDrivers", "path": "lib/modules", "dependsOn": ["kernel"] }
            ]
            """);
        string image = bed.Live("kernel.img");
        var content = new byte[8 << 20];
        new Random(5).NextBytes(content);
        File.WriteAllBytes(image, content);
        Directory.CreateDirectory(bed.Live("lib/modules"));
        File.WriteAllText(bed.Live("lib/modules/net.ko"), "v1\n");
        var point = bed.Snapshot("before the update");
        string before = Sha(image);
        using (var file = File.OpenWrite(image))
            foreach (long offset in new long[] { 0, 3L << 20, (8L << 20) - 4096 })
            {
                file.Position = offset;
                file.Write(RandomNumberGenerator.GetBytes(4096));
            }
        File.WriteAllText(bed.Live("lib/modules/net.ko"), "v2\n");

        var diff = CliRunner.RunWithConfig(bed.ConfigPath, "diff", point.Id).EnsureSuccess();
        Assert.Contains("3 of 128 chunks differ", diff.StdOut);
        using var json = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--components", "kernel", "--yes", "--json").EnsureSuccess().Json();

        Assert.Equal(["kernel", "modules"], json.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(before, Sha(image));
        Assert.Equal("v1\n", File.ReadAllText(bed.Live("lib/modules/net.ko")));
        Assert.Contains("unchanged", CliRunner.RunWithConfig(bed.ConfigPath, "diff", point.Id, "--components", "kernel").EnsureSuccess().StdOut);
        // The safety point holds the updated image: rolling back to it undoes the rollback.
        string safety = json.RootElement.GetProperty("safetyPointId").GetString()!;
        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", safety, "--components", "kernel", "--exact", "--yes").EnsureSuccess();
        Assert.NotEqual(before, Sha(image));
        Assert.Equal("v1\n", File.ReadAllText(bed.Live("lib/modules/net.ko"))); // --exact: the dependent stayed
    }

    [Fact]
    public void ABlockRollbackKilledAtAnyMomentIsFinishedByRecover()
    {
        using var bed = new StoreTestBed("""[{ "name": "kernel", "category": "KernelCore", "block": "kernel.img" }]""");
        string image = bed.Live("kernel.img");
        var content = new byte[48 << 20];
        new Random(9).NextBytes(content);
        File.WriteAllBytes(image, content);
        var target = bed.Snapshot("target");
        string targetSha = Sha(image);
        for (int i = 0; i < content.Length; i += 256 << 10)
            content[i] ^= 0xFF; // every fourth chunk differs
        File.WriteAllBytes(image, content);
        string updatedSha = Sha(image);
        var (inside, tried) = CliRunner.KillInRounds(bed.ConfigPath, 12, 3,
            () => CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--yes").EnsureSuccess(),
            () => File.WriteAllBytes(image, content),
            (kill, delay) =>
            {
                File.WriteAllBytes(image, content);
                CliRunner.RunAndKillAfter(delay, "--config", bed.ConfigPath, "rollback", target.Id, "--yes");
                bool interrupted = Kernel.Update.Rollback.Operations.OperationJournal.Inspect(bed.Store) is not null;
                CliRunner.RunWithConfig(bed.ConfigPath, "recover").EnsureSuccess();
                string now = Sha(image);
                Assert.True(now == targetSha || now == updatedSha, $"kill {kill + 1} ({delay} ms): the image is neither the target nor untouched");
                return interrupted;
            });
        Assert.True(inside >= 3, $"only {inside} of {tried} kills landed inside an operation");
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

    [LoopDeviceFact]
    public void AnExt4OnALoopDeviceRollsBackAndIsRefusedWhileMountedReadWrite()
    {
        using var loop = new LoopDevice(64L << 20);
        Sh.Run("mkfs.ext4", "-q", "-F", loop.DevicePath);
        using var mountPoint = new TempDirectory();
        void Mount() => Sh.Run("mount", loop.DevicePath, mountPoint.Path);
        void Unmount() => Sh.Run("umount", mountPoint.Path);
        Mount();
        try
        {
            File.WriteAllText(Path.Combine(mountPoint.Path, "release"), "1.0\n");
            for (int i = 0; i < 50; i++)
                File.WriteAllBytes(Path.Combine(mountPoint.Path, $"module-{i}.ko"), RandomNumberGenerator.GetBytes(20_000));
        }
        finally
        {
            Unmount();
        }
        using var bed = new StoreTestBed($$"""[{ "name": "rootfs", "category": "KernelCore", "block": "{{loop.DevicePath}}" }]""");
        var point = bed.Snapshot("release 1.0");
        string before = Sha(loop.DevicePath);

        Mount();
        try
        {
            File.WriteAllText(Path.Combine(mountPoint.Path, "release"), "2.0\n");
            for (int i = 0; i < 50; i += 5)
                File.Delete(Path.Combine(mountPoint.Path, $"module-{i}.ko"));
            File.WriteAllBytes(Path.Combine(mountPoint.Path, "new.ko"), RandomNumberGenerator.GetBytes(300_000));
            Sh.Run("sync");
            var refused = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"mounted read-write at {mountPoint.Path}", refused.StdErr);
            Assert.Single(RecoveryStore.Open(bed.Store).Catalog.Points); // refused before the safety point
        }
        finally
        {
            Unmount();
        }
        string updated = Sha(loop.DevicePath);
        Assert.NotEqual(before, updated);

        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes").EnsureSuccess();

        Assert.Equal(before, Sha(loop.DevicePath));
        Assert.Equal(0, Sh.TryRun("fsck.ext4", "-n", "-f", loop.DevicePath).ExitCode);
        Mount();
        try
        {
            Assert.Equal("1.0\n", File.ReadAllText(Path.Combine(mountPoint.Path, "release")));
            Assert.True(File.Exists(Path.Combine(mountPoint.Path, "module-0.ko")));
            Assert.False(File.Exists(Path.Combine(mountPoint.Path, "new.ko")));

            // --force writes under the mounted file system, and the journal says so (a recovery would too).
            File.WriteAllText(Path.Combine(mountPoint.Path, "release"), "3.0\n");
            Sh.Run("sync");
            CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--force", "--yes").EnsureSuccess();
            Assert.Contains("\"force\":true", File.ReadAllText(Path.Combine(bed.Store, "journal", "last.jsonl")));
        }
        finally
        {
            Unmount();
        }
    }

    private static string Sha(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
