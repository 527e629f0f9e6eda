using Kernel.Update.Rollback.Tests.Infrastructure;
using System.Globalization;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class DurabilityTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FsyncFDataSyncSyncFsAndFsyncDirectorySucceedOnARealFile()
    {
        using var fd = Posix.Open(_dir["f"], OpenFlags.WriteOnly | OpenFlags.Create, 0x1A4);
        RandomAccess.Write(fd, "durable"u8, 0);
        Posix.Fsync(fd);
        Posix.FDataSync(fd);
        Posix.SyncFs(fd);
        Posix.FsyncDirectory(_dir.Path);
    }

    [Fact]
    public void FsyncDirectoryOfAFileThrowsENOTDIR()
    {
        string file = _dir.WriteFile("f", "");
        Assert.Equal(Errno.ENOTDIR, Assert.Throws<NativeException>(() => Posix.FsyncDirectory(file)).Error);
    }

    [Fact]
    public void StatVfsAgreesWithDf()
    {
        StatVfs vfs = Posix.StatVfs(_dir.Path);
        string[] df = Sh.Run("df", "-B1", "--output=size,avail,itotal", _dir.Path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(ulong.Parse(df[0], CultureInfo.InvariantCulture), vfs.TotalBytes);
        Assert.Equal(ulong.Parse(df[2], CultureInfo.InvariantCulture), vfs.Files);
        // Others write to this file system concurrently: available space may move a little between the calls.
        ulong dfAvail = ulong.Parse(df[1], CultureInfo.InvariantCulture);
        Assert.InRange((double)vfs.AvailableBytes, dfAvail - 256.0 * 1024 * 1024, dfAvail + 256.0 * 1024 * 1024);
        Assert.True(vfs.BlocksAvailable <= vfs.BlocksFree);
        Assert.True(vfs.MaxNameLength >= 255);
        Assert.False(vfs.IsReadOnly);
    }

    [Fact]
    public void FStatVfsOfAHandleMatchesStatVfsOfItsPath()
    {
        using var dir = Posix.OpenDirectory(_dir.Path);
        Assert.Equal(Posix.StatVfs(_dir.Path).FileSystemId, Posix.FStatVfs(dir).FileSystemId);
    }

    [RootFact]
    public void StatVfsReportsFlagsOfAReadOnlyNoExecMount()
    {
        Directory.CreateDirectory(_dir["ro"]);
        Sh.Run("mount", "-t", "tmpfs", "-o", "ro,noexec,size=1m", "kur-native-ro", _dir["ro"]);
        try
        {
            StatVfs vfs = Posix.StatVfs(_dir["ro"]);
            Assert.True(vfs.IsReadOnly);
            Assert.True(vfs.Flags.HasFlag(StatVfsFlags.NoExec));
            Assert.Equal(1024UL * 1024, vfs.TotalBytes);
        }
        finally
        {
            Sh.Run("umount", _dir["ro"]);
        }
    }
}
