using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Seeded single-byte changes and truncations across every file of a store (packs, pack indexes, manifests, the
/// catalog) and of a journal: verify catches every one, naming the file; a rollback to a damaged point is refused as
/// corruption before one live byte changes (the live tree is compared entry by entry, ctime included).
/// </summary>
public sealed class CorruptionSweepTests(ITestOutputHelper output)
{
    private const int StoreDamages = 1_200;
    private const int RollbackDamages = 100;

    /// <summary>Two components, a target point, then an update that rewrites every file (so a rollback to the target
    /// needs every chunk of it) and a second point.</summary>
    private static (StoreTestBed Bed, RecoveryPointRecord Target) UpdatedBed()
    {
        var bed = new StoreTestBed("""
            [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["config"] }
            ]
            """);
        var random = new Random(3);
        Write(bed, random, "v1");
        var target = bed.Snapshot("target");
        Write(bed, random, "v2");
        bed.Snapshot("updated");
        return (bed, target);
    }

    private static void Write(StoreTestBed bed, Random random, string version)
    {
        Directory.CreateDirectory(bed.Live("etc/conf.d"));
        for (int i = 0; i < 12; i++)
            File.WriteAllText(bed.Live($"etc/conf.d/{i:D2}.conf"), $"# {version}\n" + string.Concat(Enumerable.Range(0, 200).Select(k => $"key{k} = {random.Next()}\n")));
        Directory.CreateDirectory(bed.Live("opt/app/lib"));
        var blob = new byte[160_000];
        random.NextBytes(blob);
        File.WriteAllBytes(bed.Live("opt/app/bin"), blob);
        random.NextBytes(blob);
        File.WriteAllBytes(bed.Live("opt/app/lib/libapp.so"), blob);
        File.WriteAllText(bed.Live("opt/app/README"), string.Concat(Enumerable.Repeat($"the app, {version}\n", 3000)));
    }

    private static List<string> StoreFiles(string store) =>
        [Path.Combine(store, "catalog"), .. Directory.GetFiles(Path.Combine(store, "packs")).Order(StringComparer.Ordinal),
         .. Directory.GetFiles(Path.Combine(store, "manifests")).Order(StringComparer.Ordinal)];

    /// <summary>Damages <paramref name="file"/>: one byte changed (four times in five) or the file cut short.</summary>
    private static string Damage(string file, byte[] original, Random random)
    {
        if (random.Next(5) == 0)
        {
            int length = random.Next(original.Length);
            File.WriteAllBytes(file, original[..length]);
            return $"{Path.GetFileName(file)} cut to {length} of {original.Length} bytes";
        }
        // The first and last bytes, then anywhere.
        int offset = random.Next(8) switch { 0 => 0, 1 => original.Length - 1, _ => random.Next(original.Length) };
        var damaged = (byte[])original.Clone();
        damaged[offset] ^= (byte)(1 + random.Next(255));
        File.WriteAllBytes(file, damaged);
        return $"{Path.GetFileName(file)} byte {offset} of {original.Length} changed";
    }

    [Fact]
    public void OverAThousandSeededByteChangesAndTruncationsOfStoreFilesAreEachCaughtByVerifyNamingTheFile()
    {
        var (bed, _) = UpdatedBed();
        using var _bed = bed;
        Assert.True(bed.Verify().Clean);
        var files = StoreFiles(bed.Store);
        var random = new Random(2024);
        int caught = 0;
        var perKind = new Dictionary<string, int>();
        for (int n = 0; n < StoreDamages; n++)
        {
            string file = files[n % files.Count];
            byte[] original = File.ReadAllBytes(file);
            string what = Damage(file, original, random);
            var report = bed.Verify();
            string stem = Path.GetFileNameWithoutExtension(file);
            Assert.False(report.Clean, $"{what}: not caught");
            Assert.True(report.Problems.Any(p => p.StoreFile.Contains(stem, StringComparison.Ordinal) || p.Message.Contains(stem, StringComparison.Ordinal)),
                $"{what}: caught, but no problem names the file:\n{string.Join("\n", report.Problems)}");
            File.WriteAllBytes(file, original);
            caught++;
            string kind = Path.GetExtension(file) is { Length: > 0 } extension ? extension : "catalog";
            perKind[kind] = perKind.GetValueOrDefault(kind) + 1;
        }
        Assert.True(bed.Verify().Clean);
        output.WriteLine($"{caught} of {StoreDamages} damages caught by verify over {files.Count} files ({string.Join(", ", perKind.Select(k => $"{k.Value} {k.Key}"))})");
    }

    [Fact]
    public void EveryByteChangeOfAJournalBeforeItsLastLineIsCorruptionAndOneInItsLastLineIsNeverApplied()
    {
        using var dir = new TempDirectory();
        string path;
        using (var journal = OperationJournal.Create(dir.Path, RollbackScope.Partial, "0123456789ab", ["config", "app"], "uid 0 (root)", NullLogger.Instance))
        {
            journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);
            journal.RecordSafetyPoint("ba9876543210");
            journal.EnterPhase(RollbackPhase.SnapshotValidation);
            journal.EnterPhase(RollbackPhase.ComponentRollback);
            journal.RecordStep("config", ComponentSteps.ServicesStopped);
            journal.RecordStep("config", ComponentSteps.Restored);
            path = journal.Path;
        }
        byte[] original = File.ReadAllBytes(path);
        int lastLine = original.AsSpan(0, original.Length - 1).LastIndexOf((byte)'\n') + 1;
        int records = original.Count(b => b == (byte)'\n');
        var random = new Random(7);
        int caught = 0, dropped = 0;
        for (int offset = 0; offset < original.Length; offset++)
        {
            var damaged = (byte[])original.Clone();
            damaged[offset] ^= (byte)(1 + random.Next(255));
            if (offset < lastLine)
            {
                var error = Record.Exception(() => OperationJournal.Replay(path, damaged));
                Assert.True(error is RollbackException { Kind: RollbackErrorKind.CorruptedData },
                    $"byte {offset} (line starting at {original.AsSpan(0, offset).LastIndexOf((byte)'\n') + 1}) changed: {error?.ToString() ?? "not caught"}");
                caught++;
                continue;
            }
            // The last line may be an append a crash tore: dropped, or corruption; never applied as damaged.
            try
            {
                var (state, _, torn) = OperationJournal.Replay(path, damaged);
                Assert.Equal(records - 1, state.Records);
                Assert.NotNull(torn);
                dropped++;
            }
            catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
            {
                caught++;
            }
        }
        output.WriteLine($"journal of {original.Length} bytes: {caught} byte changes refused as corruption, {dropped} in the last line dropped as a torn append");
    }

    [Fact]
    public void ARollbackToADamagedPointIsRefusedAsCorruptionBeforeOneLiveByteChanges()
    {
        var (bed, target) = UpdatedBed();
        using var _bed = bed;
        string pristine = bed.Scratch("pristine-store");
        Copy(bed.Store, pristine);
        var needed = FilesTheRollbackNeeds(bed, target);
        var live = LiveState.Capture(bed.Root);
        var random = new Random(99);
        var system = new RollbackSystem(bed.Config, NullLogger.Instance);
        for (int n = 0; n < RollbackDamages; n++)
        {
            Directory.Delete(bed.Store, recursive: true);
            Copy(pristine, bed.Store);
            string file = needed[n % needed.Count];
            string what = Damage(file, File.ReadAllBytes(file), random);
            var error = Assert.ThrowsAny<RollbackException>(() =>
                system.RollBackAsync(new RollbackRequest(target.Id, null, false, true, "test")).GetAwaiter().GetResult());
            Assert.True(error.Kind == RollbackErrorKind.CorruptedData, $"{what}: refused as {error.Kind}, not as corruption: {error.Message}");
            LiveState.AssertUnchanged(live, bed.Root, $"{what}: the refused rollback changed the live tree");
        }
        output.WriteLine($"{RollbackDamages} rollbacks to a damaged point refused as corruption over {needed.Count} files, the live tree unchanged each time");
    }

    [Fact]
    public void TheCliRefusesARollbackToADamagedPointWithExitThreeNamingTheDamage()
    {
        var (bed, target) = UpdatedBed();
        using var _bed = bed;
        string pristine = bed.Scratch("pristine-store");
        Copy(bed.Store, pristine);
        var point = RecoveryStore.Open(bed.Store).GetPoint(target.Id);
        string manifest = Path.Combine(bed.Store, "manifests", point.Components[0].Manifest + ".mf");
        var live = LiveState.Capture(bed.Root);
        foreach (string file in new[] { FilesTheRollbackNeeds(bed, target).First(f => f.EndsWith(".pack", StringComparison.Ordinal)), manifest, Path.Combine(bed.Store, "catalog") })
        {
            Directory.Delete(bed.Store, recursive: true);
            Copy(pristine, bed.Store);
            byte[] bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x10;
            File.WriteAllBytes(file, bytes);
            var verify = CliRunner.RunWithConfig(bed.ConfigPath, "verify").Expect(ExitCodes.Corruption);
            Assert.Contains(Path.GetFileNameWithoutExtension(file), verify.StdOut + verify.StdErr);
            var rollback = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--yes").Expect(ExitCodes.Corruption);
            Assert.DoesNotContain("   at ", rollback.StdErr); // one sentence, no stack trace
            LiveState.AssertUnchanged(live, bed.Root, $"{Path.GetFileName(file)} damaged: the refused rollback changed the live tree");
        }
    }

    /// <summary>The catalog, every pack index, the target's manifests and the packs holding its chunks.</summary>
    private static List<string> FilesTheRollbackNeeds(StoreTestBed bed, RecoveryPointRecord target)
    {
        var store = RecoveryStore.Open(bed.Store);
        var point = store.GetPoint(target.Id);
        var files = new List<string> { store.Layout.Catalog };
        var packs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var component in point.Components)
        {
            files.Add(Path.Combine(store.Layout.Manifests, component.Manifest + ".mf"));
            foreach (var entry in store.LoadManifest(point, component).Entries)
                foreach (var chunk in entry.Chunks)
                    if (store.Index.TryGet(chunk.Hash, out var location))
                        packs.Add(store.Layout.PackPath(store.Index.Packs[location.Pack].Id));
        }
        files.AddRange(store.Catalog.Packs.Select(p => store.Layout.IndexPath(p.Id)));
        files.AddRange(packs);
        return files;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
