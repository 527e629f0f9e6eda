using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Native;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>Needs strace (its syscall fault injection) and ptrace. Device-mapper's error target would be the device-level
/// way to get EIO, but this kernel has no device-mapper (dmsetup: "Failure to communicate with kernel device-mapper
/// driver"); injection makes the kernel fail the CLI's own read calls of one file with EIO, which is what it sees when a
/// sector goes bad.</summary>
public sealed class EioFactAttribute() : FactRequiringAttribute(FaultTests.EioSkipReason.Value);

/// <summary>Needs a loop device and root, for a real ext4 that a test fills, remounts read-only or marks immutable.</summary>
public sealed class FileSystemFaultFactAttribute() : FactRequiringAttribute(
    NativeFacilities.LoopDevice ?? (Facilities.IsRoot ? null : "needs root to mount, chattr and setpriv"));

/// <summary>
/// Real faults under the real CLI: EIO reading a live file or a pack, ENOSPC on a small ext4 (bytes and inodes) under
/// the store during snapshot and rollback and under the live tree during rollback, read-only file systems, and
/// permission denied (an immutable file; a non-root uid). Each gives a clear error naming what and where, with the
/// contract's exit code and no stack trace; the store still verifies; a snapshot leaves the live tree untouched and a
/// failed rollback leaves it as it was.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    internal static readonly Lazy<string?> EioSkipReason = new(() =>
    {
        if (!Facilities.HasTool("strace"))
            return "missing tool: strace (apt-get install strace), used to inject EIO (no device-mapper in this kernel)";
        var probe = ProcessRunner.Run("strace", "-qq", "-o", "/dev/null", "-e", "trace=getppid", "-e", "inject=getppid:error=EIO", "true");
        return probe.ExitCode == 0 ? null : $"strace cannot trace here (ptrace refused?): {probe.StdErr.Trim()}";
    });

    private CliResult Cli(FaultBed bed, params string[] args) => CliRunner.RunWithConfig(bed.ConfigPath, args);

    /// <summary>Runs the CLI under strace, every read of <paramref name="file"/> failing with EIO.</summary>
    private static CliResult CliWithEio(FaultBed bed, string file, params string[] args)
    {
        var (cli, prefix) = CliRunner.Command;
        var result = ProcessRunner.Run("strace", ["--seccomp-bpf", "-f", "-qq", "-o", "/dev/null",
            "-e", "trace=read,pread64,readv,preadv,preadv2,copy_file_range,sendfile,mmap",
            "-e", "inject=read,pread64,readv,preadv,preadv2,copy_file_range,sendfile,mmap:error=EIO", "-P", file,
            "--", cli, .. prefix, "--config", bed.ConfigPath, .. args], timeout: TimeSpan.FromMinutes(5));
        return new CliResult(result.ExitCode, result.StdOut, result.StdErr) { Process = result };
    }

    /// <summary>One sentence on stderr naming <paramref name="where"/> and the cause, the exit code the contract gives.</summary>
    private void AssertClearError(CliResult result, int exitCode, string where, string cause)
    {
        result.Expect(exitCode);
        Assert.True(result.StdErr.Contains(where, StringComparison.Ordinal) && result.StdErr.Contains(cause, StringComparison.OrdinalIgnoreCase),
            $"stderr does not name {where} and {cause}:\n{result.StdErr}");
        Assert.DoesNotContain("   at ", result.StdErr);
        output.WriteLine($"fault met, exit {result.ExitCode}: {result.StdErr.Trim()}");
    }

    private static void Update(FaultBed bed)
    {
        FaultBed.WriteRandom(bed.Live("bin/app"), 2, 200_000);
        File.WriteAllText(bed.Live("etc/app.conf"), "port=8080\n");
        File.WriteAllText(bed.Live("added"), "new in the update\n");
    }

    private static FaultBed TwoPointBed(long liveFileSystem = 0, long storeFileSystem = 0, string storeMkfsOptions = "")
    {
        var bed = new FaultBed(liveFileSystem, storeFileSystem, storeMkfsOptions);
        FaultBed.WriteRandom(bed.Live("bin/app"), 1, 200_000);
        FaultBed.WriteRandom(bed.Live("lib/libapp.so"), 3, 150_000);
        Directory.CreateDirectory(bed.Live("etc"));
        File.WriteAllText(bed.Live("etc/app.conf"), "port=80\n");
        bed.Snapshot("target");
        Update(bed);
        bed.Snapshot("updated");
        return bed;
    }

    [EioFact]
    public void EioReadingALiveFileFailsTheSnapshotNamingTheFileAndTheStoreKeepsItsPoints()
    {
        using var bed = TwoPointBed();
        File.AppendAllText(bed.Live("lib/libapp.so"), "changed, so the snapshot must read it");
        var live = LiveState.Capture(bed.Root);
        var result = CliWithEio(bed, bed.Live("lib/libapp.so"), "snapshot");
        AssertClearError(result, ExitCodes.Failed, bed.Live("lib/libapp.so"), "Input/output error");
        LiveState.AssertUnchanged(live, bed.Root, "a failed snapshot changed the live tree");
        bed.AssertStoreVerifies("after a snapshot failed with EIO");
        Assert.Equal(2, bed.Points.Count);
        Cli(bed, "snapshot").EnsureSuccess(); // the medium is back: it works, and collects what the failed one left
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(bed.Store, "tmp")));
    }

    [EioFact]
    public void EioReadingAPackRefusesTheRollbackBeforeAnythingLiveChanges()
    {
        using var bed = TwoPointBed();
        var target = bed.Points[0];
        var live = LiveState.Capture(bed.Root);
        var pack = Directory.GetFiles(Path.Combine(bed.Store, "packs"), "*.pack").OrderByDescending(f => new FileInfo(f).Length).First();
        var verify = CliWithEio(bed, pack, "verify");
        AssertClearError(verify, ExitCodes.Corruption, Path.GetFileName(pack), "Input/output error");
        var rollback = CliWithEio(bed, pack, "rollback", target.Id, "--yes");
        AssertClearError(rollback, ExitCodes.Corruption, Path.GetFileName(pack), "Input/output error");
        LiveState.AssertUnchanged(live, bed.Root, "a rollback that could not read its pack changed the live tree");
        Assert.Null(OperationJournal.Inspect(bed.Store));
        bed.AssertStoreVerifies("after EIO on a pack");
    }

    [FileSystemFaultFact]
    public void ENoSpcMidWriteOfASnapshotFailsClearlyAndTheNextOneAfterSpaceIsFreedWorks()
    {
        using var bed = TwoPointBed(storeFileSystem: 64L << 20);
        for (int i = 0; i < 6; i++)
            FaultBed.WriteRandom(bed.Live($"data/blob{i}"), 10 + i, 6 << 20); // 36 MiB that does not compress
        var live = LiveState.Capture(bed.Root);
        string mount = Path.GetDirectoryName(bed.Store)!;
        string filler = Path.Combine(mount, "filler");
        // The free-space check passes (reserveBytes 0); another writer then takes the space while the packs are written.
        CliResult? result = null;
        string packs = Path.Combine(bed.Store, "packs");
        for (int attempt = 0; attempt < 3 && result?.ExitCode is null or 0; attempt++)
        {
            File.Delete(filler);
            for (int i = 0; i < 6; i++)
                FaultBed.WriteRandom(bed.Live($"data/blob{i}"), 100 * attempt + i, 6 << 20); // new data each attempt
            live = LiveState.Capture(bed.Root);
            var before = Directory.GetFiles(packs).ToHashSet();
            var (cli, prefix) = CliRunner.Command;
            var run = ProcessRunner.RunAsync(new ProcessOptions { FileName = cli, Arguments = [.. prefix, "--config", bed.ConfigPath, "snapshot"] });
            // As soon as the snapshot starts writing its pack, the rest of the file system goes to another writer.
            while (!run.IsCompleted && Directory.GetFiles(packs).All(before.Contains) && !Directory.EnumerateFileSystemEntries(Path.Combine(bed.Store, "tmp")).Any())
                Thread.Sleep(1);
            Sh.TryRun("fallocate", "-l", Math.Max(4096, Kernel.Update.Rollback.Native.Posix.StatVfs(mount).AvailableBytes - 4096).ToString(System.Globalization.CultureInfo.InvariantCulture), filler);
            var finished = run.GetAwaiter().GetResult();
            result = new CliResult(finished.ExitCode, finished.StdOut, finished.StdErr) { Process = finished };
        }
        AssertClearError(result!, ExitCodes.Failed, bed.Store, "No space left on device");
        LiveState.AssertUnchanged(live, bed.Root, "a snapshot that ran out of space changed the live tree");
        bed.AssertStoreVerifies("after ENOSPC during a snapshot");
        Assert.Equal(2, bed.Points.Count);
        File.Delete(filler);
        Cli(bed, "snapshot").EnsureSuccess();
        bed.AssertStoreVerifies("after the next snapshot");
    }

    [FileSystemFaultFact]
    public void ENoSpcForTheSafetyPointFailsTheRollbackBeforeAnythingLiveChanges()
    {
        // Few inodes: once they are used up, creating any file in the store fails with ENOSPC whatever bytes are free.
        using var bed = TwoPointBed(storeFileSystem: 32L << 20, storeMkfsOptions: "-N 64");
        var target = bed.Points[0];
        File.AppendAllText(bed.Live("etc/app.conf"), "changed since, so the safety point has something to store\n");
        string mount = Path.GetDirectoryName(bed.Store)!;
        for (int i = 0; ; i++)
        {
            try { File.WriteAllBytes(Path.Combine(mount, $"inode-{i}"), []); }
            catch (IOException) { break; }
        }
        var live = LiveState.Capture(bed.Root);
        var snapshot = Cli(bed, "snapshot");
        AssertClearError(snapshot, ExitCodes.Failed, bed.Store, "No space left on device");
        var rollback = Cli(bed, "rollback", target.Id, "--yes");
        AssertClearError(rollback, ExitCodes.Failed, bed.Store, "No space left on device");
        LiveState.AssertUnchanged(live, bed.Root, "a rollback without room for its safety point changed the live tree");
        Cli(bed, "recover").EnsureSuccess();
        bed.AssertStoreVerifies("after ENOSPC during a rollback's safety point");
    }

    [FileSystemFaultFact]
    public void ENoSpcOnTheLiveFileSystemMidRollbackRevertsItToWhereItWas()
    {
        using var bed = TwoPointBed(liveFileSystem: 24L << 20);
        FaultBed.WriteRandom(bed.Live("data/big"), 40, 6 << 20);
        var bigger = bed.Snapshot("target with a big file");
        File.Delete(bed.Live("data/big"));                                   // the update removed the big file
        File.AppendAllText(bed.Live("etc/app.conf"), "and changed the configuration\n");
        string filler = Path.Combine(bed.Root, "filler");                    // outside the component, same file system
        Sh.Run("fallocate", "-l", (Kernel.Update.Rollback.Native.Posix.StatVfs(bed.Root).AvailableBytes - (2 << 20)).ToString(System.Globalization.CultureInfo.InvariantCulture), filler);
        var live = LiveState.Capture(Path.Combine(bed.Root, "opt"), identity: false);
        var rollback = Cli(bed, "rollback", bigger.Id, "--yes");
        AssertClearError(rollback, ExitCodes.Failed, bed.Root, "No space left on device");
        // Reverted: every file back as it was (a file the revert rewrote has a new inode; its content and metadata are the same).
        LiveState.AssertUnchanged(live, Path.Combine(bed.Root, "opt"), "a rollback that ran out of space did not leave the live tree as it was", identity: false);
        Assert.Null(OperationJournal.Inspect(bed.Store));
        bed.AssertStoreVerifies("after ENOSPC on the live file system");
    }

    [FileSystemFaultFact]
    public void AReadOnlyStoreFailsSnapshotAndRollbackClearlyWithoutTouchingTheLiveTree()
    {
        using var bed = TwoPointBed(storeFileSystem: 32L << 20);
        var target = bed.Points[0];
        string mount = Path.GetDirectoryName(bed.Store)!;
        var live = LiveState.Capture(bed.Root);
        FaultBed.Remount(mount, readOnly: true);
        try
        {
            AssertClearError(Cli(bed, "snapshot"), ExitCodes.Failed, bed.Store, "Read-only file system");
            AssertClearError(Cli(bed, "rollback", target.Id, "--yes"), ExitCodes.Failed, bed.Store, "Read-only file system");
            LiveState.AssertUnchanged(live, bed.Root, "an operation on a read-only store changed the live tree");
            Cli(bed, "verify").EnsureSuccess();
        }
        finally
        {
            FaultBed.Remount(mount, readOnly: false);
        }
        bed.AssertStoreVerifies("after the store was read-only");
    }

    [FileSystemFaultFact]
    public void ARollbackOfALiveTreeOnAReadOnlyFileSystemFailsNamingItAndChangesNothing()
    {
        using var bed = TwoPointBed(liveFileSystem: 32L << 20);
        var target = bed.Points[0];
        var live = LiveState.Capture(bed.Root);
        FaultBed.Remount(bed.Root, readOnly: true);
        try
        {
            var rollback = Cli(bed, "rollback", target.Id, "--yes");
            AssertClearError(rollback, ExitCodes.Failed, bed.Root, "Read-only file system");
            LiveState.AssertUnchanged(live, bed.Root, "a rollback onto a read-only file system changed it");
            Assert.Null(OperationJournal.Inspect(bed.Store));
        }
        finally
        {
            FaultBed.Remount(bed.Root, readOnly: false);
        }
        bed.AssertStoreVerifies("after a rollback onto a read-only file system");
    }

    [FileSystemFaultFact]
    public void AnImmutableLiveFileMakesTheRollbackRevertAndNameIt()
    {
        using var bed = TwoPointBed(liveFileSystem: 32L << 20);
        var target = bed.Points[0];
        Sh.Run("chattr", "+i", bed.Live("etc/app.conf"));
        try
        {
            var live = LiveState.Capture(bed.Root, identity: false);
            var rollback = Cli(bed, "rollback", target.Id, "--yes");
            AssertClearError(rollback, ExitCodes.Failed, "app.conf", "Operation not permitted");
            LiveState.AssertUnchanged(live, bed.Root, "a rollback that met an immutable file did not leave the live tree as it was", identity: false);
            Assert.Null(OperationJournal.Inspect(bed.Store));
        }
        finally
        {
            Sh.Run("chattr", "-i", bed.Live("etc/app.conf"));
        }
        bed.AssertStoreVerifies("after a rollback met an immutable file");
    }

    [FileSystemFaultFact]
    public void ANonRootSnapshotOfAnUnreadableDirectoryFailsNamingIt()
    {
        using var bed = TwoPointBed();
        const string nobody = "65534";
        Sh.Run("chown", "-R", $"{nobody}:{nobody}", bed.Store, Path.GetDirectoryName(bed.ConfigPath)!);
        Sh.Run("chmod", "755", Path.GetDirectoryName(bed.ConfigPath)!);
        Directory.CreateDirectory(bed.Live("secret"));
        File.WriteAllText(bed.Live("secret/key"), "k");
        File.SetUnixFileMode(bed.Live("secret"), UnixFileMode.None);
        var live = LiveState.Capture(bed.Root);
        var (cli, prefix) = CliRunner.Command;
        var run = ProcessRunner.Run("setpriv", ["--reuid", nobody, "--regid", nobody, "--clear-groups", "--", cli, .. prefix,
            "--config", bed.ConfigPath, "snapshot"], environment: new Dictionary<string, string?> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp" });
        var result = new CliResult(run.ExitCode, run.StdOut, run.StdErr) { Process = run };
        Assert.NotEqual(0, result.ExitCode);
        AssertClearError(result, result.ExitCode, bed.Live("secret"), "denied");
        LiveState.AssertUnchanged(live, bed.Root, "a refused snapshot changed the live tree");
        Assert.Equal(2, bed.Points.Count);
        bed.AssertStoreVerifies("after a snapshot was denied a directory");
    }
}
