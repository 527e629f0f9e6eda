using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>
/// A rollback in place that must bring back files whose content a live file of the component still holds (the update
/// renamed their directory, or deleted a copy): on btrfs they are cloned (shared extents, no data written); on a file
/// system without reflinks the same rollback writes them. Through the real CLI.
/// </summary>
public sealed class ReflinkRestoreTests
{
    [BtrfsFact]
    public void OnBtrfsFilesAMovedOrCopiedLiveFileHoldsAreClonedNotWritten()
    {
        using var fs = new BtrfsMount();
        using var bed = StoreTestBed.WithOneTree("app", "opt/app", baseDirectory: fs.Root);
        var (point, data) = Update(bed);

        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point, "--yes").EnsureSuccess();

        AssertRolledBack(bed, point, data);
        // Both came from the one live file lib-2/big.bin, which the rollback removed: they share its extents now.
        Assert.Contains("shared", Sh.Run("filefrag", "-v", bed.Live("opt/app/pkg/lib/big.bin")), StringComparison.Ordinal);
        Assert.Contains("shared", Sh.Run("filefrag", "-v", bed.Live("opt/app/pkg/share/copy.bin")), StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(bed.Live("opt/app")), p => Path.GetFileName(p).StartsWith(".kur-", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutReflinksTheSameRollbackWritesTheFiles()
    {
        using var bed = StoreTestBed.WithOneTree("app", "opt/app");
        var (point, data) = Update(bed);

        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point, "--yes").EnsureSuccess();

        AssertRolledBack(bed, point, data);
    }

    /// <summary>A point with pkg/lib/big.bin and a copy of it at pkg/share/copy.bin; then an update renames pkg/lib to
    /// pkg/lib-2, deletes the copy and edits a small file. Nothing but the restore's own work touches the root directory.</summary>
    private static (string Point, byte[] Data) Update(StoreTestBed bed)
    {
        var data = new byte[(1 << 20) + 1234];
        new Random(11).NextBytes(data);
        Directory.CreateDirectory(bed.Live("opt/app/pkg/lib"));
        Directory.CreateDirectory(bed.Live("opt/app/pkg/share"));
        File.WriteAllBytes(bed.Live("opt/app/pkg/lib/big.bin"), data);
        File.WriteAllBytes(bed.Live("opt/app/pkg/share/copy.bin"), data);
        File.WriteAllText(bed.Live("opt/app/version"), "1\n");
        File.SetUnixFileMode(bed.Live("opt/app/pkg/lib/big.bin"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string point = bed.Snapshot("before").Id;

        Directory.Move(bed.Live("opt/app/pkg/lib"), bed.Live("opt/app/pkg/lib-2"));
        File.Delete(bed.Live("opt/app/pkg/share/copy.bin"));
        File.WriteAllText(bed.Live("opt/app/version"), "2\n");
        return (point, data);
    }

    private static void AssertRolledBack(StoreTestBed bed, string point, byte[] data)
    {
        Assert.Equal(data, File.ReadAllBytes(bed.Live("opt/app/pkg/lib/big.bin")));
        Assert.Equal(data, File.ReadAllBytes(bed.Live("opt/app/pkg/share/copy.bin")));
        Assert.Equal("1\n", File.ReadAllText(bed.Live("opt/app/version")));
        Assert.False(Directory.Exists(bed.Live("opt/app/pkg/lib-2")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(bed.Live("opt/app/pkg/lib/big.bin")));
        Assert.Contains("unchanged", CliRunner.RunWithConfig(bed.ConfigPath, "diff", point).EnsureSuccess().StdOut, StringComparison.Ordinal);
    }
}
