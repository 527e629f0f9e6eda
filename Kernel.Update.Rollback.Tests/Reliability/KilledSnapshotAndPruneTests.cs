using Kernel.Update.Rollback.Retention;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// The real CLI's snapshot and prune, each SIGKILLed 80 times at seeded random moments spread over the measured length
/// of the run (start-up included; the window follows the run's real length, <see cref="AdaptiveKillWindow"/>), on two
/// small stores at once. After every kill <c>rollbackctl recover</c> must succeed
/// and the store verify (in-process, with the verifier <c>rollbackctl verify</c> runs, to spare a CLI start-up per kill;
/// the CLI verifies each store once at the end), the points listed must be exactly those before or exactly those after the
/// operation (a snapshot adds one whole point, a prune removes exactly what the retention policy selects), and the
/// live tree must not have been written to at all.
/// </summary>
public sealed class KilledSnapshotAndPruneTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Beds = 2;
    private const int RoundsPerBed = 40;
    private const int Retained = 3;
    private const int BigFiles = 8;
    private const string Retention = """ "retention": { "maxPerCategory": 3, "maxTotal": 3 } """;

    [Fact]
    public void SnapshotsAndPrunesKilledAtSeededRandomMomentsLeaveAVerifiedStoreOfWholePoints()
    {
        // Beds share nothing (own directory, store, lock), so their kills run side by side; each is seeded on its own.
        var tallies = new Tally[Beds];
        Parallel.For(0, Beds, new ParallelOptions { MaxDegreeOfParallelism = Beds }, b => tallies[b] = RunBed(1000 + b));

        var sum = new Tally();
        foreach (var t in tallies)
        {
            output.WriteLine($"bed: snapshot window {t.SnapshotWindow} ms, prune window {t.PruneWindow} ms at the end");
            sum.Add(t);
        }
        output.WriteLine($"{Beds * RoundsPerBed * 2} kills: snapshot {sum.SnapshotInside} of {Beds * RoundsPerBed} inside the run " +
            $"({sum.SnapshotCommitted} had committed its point), prune {sum.PruneInside} of {Beds * RoundsPerBed} inside the run " +
            $"({sum.PruneCommitted} had removed its points)");
        // Without these the kills all missed the operations and the test would have shown nothing.
        Assert.True(sum.SnapshotInside >= 5, $"only {sum.SnapshotInside} snapshot kills landed while the process ran");
        Assert.True(sum.PruneInside >= 5, $"only {sum.PruneInside} prune kills landed while the process ran");
    }

    private static Tally RunBed(int seed)
    {
        using var bed = StoreTestBed.WithOneTree(extraJson: Retention);
        var random = new Random(seed);
        for (int i = 0; i < BigFiles; i++)
            File.WriteAllBytes(bed.Live($"tree/big{i}.bin"), TestFiles.RandomBytes(random, 1 << 20));
        Directory.CreateDirectory(bed.Live("tree/etc"));
        for (int i = 0; i < 20; i++)
            File.WriteAllText(bed.Live($"tree/etc/{i:D2}.conf"), $"key{i} = {random.Next()}\n");
        bed.Snapshot("base");

        var tally = new Tally();
        Change(bed, random);
        tally.SnapshotWindow = new AdaptiveKillWindow(CliRunner.KillWindow(bed.ConfigPath,
            () => Cli(bed, "snapshot", "--name", "timed").EnsureSuccess(), () => Change(bed, random)));
        tally.PruneWindow = new AdaptiveKillWindow(CliRunner.KillWindow(bed.ConfigPath,
            () => Cli(bed, "prune").EnsureSuccess(), () => FillOverRetention(bed, random)));
        var policy = new RetentionPolicy(Retained, Retained);

        for (int round = 0; round < RoundsPerBed; round++)
        {
            Change(bed, random);
            var live = LiveState.Capture(bed.Root);
            var before = Ids(bed);
            int delay = tally.SnapshotWindow.Next(random);
            string name = $"killed {seed}/{round}";
            tally.SnapshotInside += tally.SnapshotWindow.RunAndKill(delay, "--config", bed.ConfigPath, "snapshot", "--name", name) ? 1 : 0;
            string what = $"bed {seed}, snapshot killed at {delay} ms in round {round}";
            RecoverAndVerify(bed, what);
            var after = Ids(bed);
            var added = after.Except(before).ToList();
            Assert.True(before.IsSubsetOf(after) && added.Count <= 1, $"{what}: points {string.Join(",", before)} became {string.Join(",", after)}");
            if (added.Count == 1)
            {
                Assert.Equal(name, bed.Catalog.Points.Single(p => p.Id == added[0]).Name);
                tally.SnapshotCommitted++;
            }
            LiveState.AssertUnchanged(live, bed.Root, $"{what}: the live tree was written to");

            FillOverRetention(bed, random);
            live = LiveState.Capture(bed.Root);
            before = Ids(bed);
            var kept = new HashSet<string>(before);
            kept.ExceptWith(policy.SelectForRemoval(bed.Catalog).Select(p => p.Id));
            delay = tally.PruneWindow.Next(random);
            tally.PruneInside += tally.PruneWindow.RunAndKill(delay, "--config", bed.ConfigPath, "prune") ? 1 : 0;
            what = $"bed {seed}, prune killed at {delay} ms in round {round}";
            RecoverAndVerify(bed, what);
            after = Ids(bed);
            Assert.True(after.SetEquals(before) || after.SetEquals(kept),
                $"{what}: points {string.Join(",", before)} became {string.Join(",", after)}, neither all nor the kept {string.Join(",", kept)}");
            tally.PruneCommitted += after.SetEquals(kept) ? 1 : 0;
            LiveState.AssertUnchanged(live, bed.Root, $"{what}: the live tree was written to");
        }
        var verify = Cli(bed, "verify");
        Assert.True(verify.ExitCode == 0, $"bed {seed}: the store does not verify through the CLI after all kills:\n{verify}");
        return tally;
    }

    private static void RecoverAndVerify(StoreTestBed bed, string what)
    {
        var recover = Cli(bed, "recover");
        Assert.True(recover.ExitCode == 0, $"{what}: recover failed:\n{recover}");
        var report = bed.Verify();
        Assert.True(report.Clean, $"{what}: the store does not verify: " + string.Join("\n", report.Problems));
    }

    /// <summary>Adds points in-process (no CLI start-up) until the next prune has something to remove.</summary>
    private static void FillOverRetention(StoreTestBed bed, Random random)
    {
        while (bed.Catalog.Points.Count <= Retained + 1)
        {
            Change(bed, random);
            bed.Snapshot("filler");
        }
    }

    /// <summary>An update's worth of change: three big files rewritten (new chunks to pack, so the snapshot outlasts its
    /// start-up), one config edited.</summary>
    private static void Change(StoreTestBed bed, Random random)
    {
        for (int i = 0; i < 3; i++)
            File.WriteAllBytes(bed.Live($"tree/big{random.Next(BigFiles)}.bin"), TestFiles.RandomBytes(random, 1 << 20));
        File.AppendAllText(bed.Live($"tree/etc/{random.Next(20):D2}.conf"), $"edit = {random.Next()}\n");
    }

    private static CliResult Cli(StoreTestBed bed, params string[] args) => CliRunner.RunWithConfig(bed.ConfigPath, args);

    private static HashSet<string> Ids(StoreTestBed bed) => bed.Catalog.Points.Select(p => p.Id).ToHashSet();

    private sealed class Tally
    {
        public AdaptiveKillWindow SnapshotWindow = null!;
        public AdaptiveKillWindow PruneWindow = null!;
        public int SnapshotInside, SnapshotCommitted, PruneInside, PruneCommitted;

        public void Add(Tally other)
        {
            SnapshotInside += other.SnapshotInside;
            SnapshotCommitted += other.SnapshotCommitted;
            PruneInside += other.PruneInside;
            PruneCommitted += other.PruneCommitted;
        }
    }
}
