using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Restore.Live;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Stores crafted to make a restore write elsewhere, with every checksum right (whoever can write the store can
/// compute them): names with "..", absolute names, empty segments, NUL, component paths that climb out, a component
/// pointed at another's tree; and a live tree whose directory is swapped for a symlink while a restore runs. Each is
/// refused before anything is written, or written only inside the component; the directory outside is compared
/// entry by entry, ctime included. (ManifestCodecTests covers the decoder's rules one by one; these go end to end.)
/// </summary>
public sealed class HostileStoreTests(ITestOutputHelper output)
{
    private static (StoreTestBed Bed, RecoveryPointRecord Point, string Outside) Bed()
    {
        var bed = new StoreTestBed("""
            [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "app", "category": "SystemServices", "path": "opt/app" }
            ]
            """);
        Directory.CreateDirectory(bed.Live("etc"));
        Directory.CreateDirectory(bed.Live("opt/app/lib"));
        File.WriteAllText(bed.Live("etc/app.conf"), "port=80\n");
        File.WriteAllText(bed.Live("opt/app/lib/a.so"), "library v1\n");
        File.WriteAllText(bed.Live("opt/app/bin"), "binary v1\n");
        var point = bed.Snapshot("target");
        File.WriteAllText(bed.Live("opt/app/bin"), "binary v2\n");
        string outside = bed.Scratch("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "victim"), "untouched\n");
        return (bed, point, outside);
    }

    /// <summary>Rewrites the store so that component <paramref name="component"/> of the point has <paramref name="manifest"/>,
    /// committed with a right checksum, as an attacker with write access to the store would.</summary>
    private static void Craft(StoreTestBed bed, RecoveryPointRecord point, string component, Manifest? manifest = null,
        Action<ComponentSnapshotRecord>? edit = null)
    {
        var store = RecoveryStore.Open(bed.Store);
        var catalog = store.Catalog;
        var record = catalog.Points.Single(p => p.Id == point.Id).Components.Single(c => c.Name == component);
        if (manifest is not null)
        {
            byte[] encoded = ManifestCodec.Encode(manifest);
            var hash = Hash256.Compute(encoded);
            File.WriteAllBytes(store.Layout.ManifestPath(hash), encoded);
            record.Manifest = hash.ToString();
        }
        edit?.Invoke(record);
        File.WriteAllBytes(store.Layout.Catalog, CatalogFile.Serialize(catalog));
    }

    private static Manifest WithEntry(StoreTestBed bed, RecoveryPointRecord point, ManifestEntry extra)
    {
        var store = RecoveryStore.Open(bed.Store);
        var p = store.GetPoint(point.Id);
        var manifest = store.LoadManifest(p, p.Components.Single(c => c.Name == "app"));
        return new Manifest([.. manifest.Entries, extra]);
    }

    [Theory]
    [InlineData("../../../outside/victim")]
    [InlineData("lib/../../../../outside/victim")]
    [InlineData("/outside/victim")]
    [InlineData("lib//victim")]
    [InlineData("lib/victim\0.so")]
    [InlineData("lib/.")]
    [InlineData("lib/")]
    public void AManifestNameThatWouldLeaveTheComponentIsRefusedAsCorruptionByRestoreAndRollback(string name)
    {
        var (bed, point, outside) = Bed();
        using var _ = bed;
        var victim = bed.Live("opt/app/lib/a.so");
        var file = WithEntry(bed, point, new ManifestEntry { Path = name, Kind = EntryKind.Symlink, LinkTarget = "/etc/passwd", Mode = 0x1FF });
        Craft(bed, point, "app", file);
        var outsideBefore = LiveState.Capture(outside);
        var liveBefore = LiveState.Capture(bed.Root);

        var store = RecoveryStore.Open(bed.Store);
        string to = bed.Scratch("restored");
        var export = Assert.ThrowsAny<RollbackException>(() => new PointExporter(store, NullLogger.Instance).Export(store.GetPoint(point.Id), to, null));
        Assert.Equal(RollbackErrorKind.CorruptedData, export.Kind);
        Assert.False(Directory.Exists(to), "restore --to created its target before refusing");
        var rollback = Assert.ThrowsAny<RollbackException>(() => new RollbackSystem(bed.Config, NullLogger.Instance)
            .RollBackAsync(new RollbackRequest(point.Id, null, false, true, "test")).GetAwaiter().GetResult());
        Assert.Equal(RollbackErrorKind.CorruptedData, rollback.Kind);
        LiveState.AssertUnchanged(outsideBefore, outside, "the directory outside the component changed");
        LiveState.AssertUnchanged(liveBefore, bed.Root, "the refused rollback changed the live tree");
        Assert.True(File.Exists(victim));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("opt/../../outside")]
    [InlineData("/tmp")]
    [InlineData("opt//app")]
    [InlineData("opt/app\0")]
    [InlineData("")]
    public void ACatalogComponentPathThatWouldLeaveTheRootIsCorruption(string path)
    {
        var (bed, point, outside) = Bed();
        using var _ = bed;
        Craft(bed, point, "app", edit: record => record.Path = path);
        var outsideBefore = LiveState.Capture(outside);
        var liveBefore = LiveState.Capture(bed.Root);
        var error = Assert.ThrowsAny<RollbackException>(() => RecoveryStore.Open(bed.Store));
        Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
        Assert.Contains("path", error.Message);

        var cli = CliRunner.RunWithConfig(bed.ConfigPath, "restore", point.Id, "--to", bed.Scratch("restored")).Expect(ExitCodes.Corruption);
        Assert.Contains("catalog", cli.StdErr);
        LiveState.AssertUnchanged(outsideBefore, outside, "the directory outside the component changed");
        LiveState.AssertUnchanged(liveBefore, bed.Root, "the live tree changed");
    }

    [Fact]
    public void APointThatPutsAComponentAtAnotherComponentsPathIsRefusedBeforeAnythingChanges()
    {
        var (bed, point, _) = Bed();
        using var __ = bed;
        // Valid on its own, but "app" would be written over the configuration's tree.
        Craft(bed, point, "app", edit: record => record.Path = "etc");
        var liveBefore = LiveState.Capture(bed.Root);
        var cli = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--components", "app", "--yes").Expect(ExitCodes.Refused);
        Assert.Contains("configuration puts it at opt/app", cli.StdErr);
        LiveState.AssertUnchanged(liveBefore, bed.Root, "the refused rollback changed the live tree");
        Assert.Null(OperationJournal.Inspect(bed.Store));
    }

    [Fact]
    public void ARollbackOfAComponentWhoseRootBecameASymlinkOutIsRefusedAndWritesNothingThere()
    {
        var (bed, point, outside) = Bed();
        using var _ = bed;
        // The update moved the tree away and left a symlink to somewhere else in its place.
        Directory.Move(bed.Live("opt/app"), bed.Scratch("moved-app"));
        File.CreateSymbolicLink(bed.Live("opt/app"), outside);
        var outsideBefore = LiveState.Capture(outside);
        var error = Assert.ThrowsAny<RollbackException>(() => new RollbackSystem(bed.Config, NullLogger.Instance)
            .RollBackAsync(new RollbackRequest(point.Id, ["app"], true, true, "test")).GetAwaiter().GetResult());
        Assert.Contains("Symlink", error.Message);
        Assert.Equal(FileKind.Symlink, Posix.LStat(bed.Live("opt/app")).Kind);
        LiveState.AssertUnchanged(outsideBefore, outside, "the rollback wrote through the symlink");
    }

    /// <summary>
    /// While the in-place restore rewrites every file of twenty directories, another thread keeps swapping one of those
    /// directories for a symlink to a directory outside (renameat2 RENAME_EXCHANGE, so the swap is atomic) and back.
    /// Whatever the restore does — finish, or stop with an error where it met the symlink — nothing appears or changes
    /// outside.
    /// </summary>
    [Fact]
    public async Task ADirectorySwappedForASymlinkOutWhileARestoreRunsGetsNoWriteOutside()
    {
        using var bed = StoreTestBed.WithOneTree("app", "opt/app");
        string app = bed.Live("opt/app");
        var random = new Random(17);
        for (int d = 0; d < 20; d++)
            for (int f = 0; f < 15; f++)
                WriteRandom(Path.Combine(app, $"d{d:D2}", $"f{f:D2}"), random, 6000);
        var point = bed.Snapshot("target");
        string outside = bed.Scratch("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "f00"), "a file whose name the restore writes\n");
        var outsideBefore = LiveState.Capture(outside);
        var store = RecoveryStore.Open(bed.Store);
        var record = store.GetPoint(point.Id).Components[0];
        int swapsDuringRestores = 0, failedRestores = 0;
        const int rounds = 6;
        for (int round = 0; round < rounds; round++)
        {
            foreach (string file in Directory.GetFiles(app, "*", SearchOption.AllDirectories))
                WriteRandom(file, random, 6000);
            File.CreateSymbolicLink(Path.Combine(app, ".swap"), outside);
            using var done = new CancellationTokenSource();
            var swapper = Task.Run(() =>
            {
                using var dir = Posix.OpenDirectory(app);
                var pick = new Random(round);
                int swaps = 0;
                while (!done.IsCancellationRequested)
                {
                    string victim = $"d{pick.Next(20):D2}";
                    try
                    {
                        Posix.RenameAt2(dir, victim, dir, ".swap", RenameFlags.Exchange); // victim is now the symlink out
                        Thread.SpinWait(200);
                        Posix.RenameAt2(dir, victim, dir, ".swap", RenameFlags.Exchange); // and back
                        swaps++;
                    }
                    catch (NativeException)
                    {
                        // The restore removed or replaced the name meanwhile: swap another.
                    }
                }
                return swaps;
            });
            try
            {
                new LiveComponents(bed.Config, store, NullLogger.Instance).Restore(point, record);
            }
            catch (Exception e) when (e is RollbackException or NativeException or IOException)
            {
                failedRestores++;
                output.WriteLine($"round {round}: the restore stopped: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                done.Cancel();
                swapsDuringRestores += await swapper;
            }
            LiveState.AssertUnchanged(outsideBefore, outside, $"round {round}: something was written outside the component");
            // The restore removes ".swap" (the point has no such name), whichever of the two it was at that instant;
            // a directory left as a symlink out is removed too, and the next restore recreates what is missing.
            string swap = Path.Combine(app, ".swap");
            foreach (string entry in Directory.GetFileSystemEntries(app))
            {
                if (Posix.LStat(entry).Kind == FileKind.Symlink)
                    File.Delete(entry);
                else if (entry == swap)
                    Directory.Delete(entry, recursive: true);
            }
        }
        output.WriteLine($"{rounds} restores, {swapsDuringRestores} directory/symlink swaps while they ran, {failedRestores} stopped with an error; nothing written outside");
        Assert.True(swapsDuringRestores > 0, "no swap happened while a restore ran: the race was not tested");
        // A last, undisturbed restore proves the component itself is whole again.
        new LiveComponents(bed.Config, store, NullLogger.Instance).Restore(point, record);
        Assert.True(new LiveComponents(bed.Config, store, NullLogger.Instance).Diff(point, record).IsEmpty);
        LiveState.AssertUnchanged(outsideBefore, outside, "something was written outside the component");
    }

    private static void WriteRandom(string path, Random random, int length)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }
}
