using System.Diagnostics;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Demo;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Retention;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Verification;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>
/// The README's first command: builds a sandbox device in a temporary directory (no root needed), takes a
/// recovery point, applies an update, takes an incremental one, proves the store with verify, shows that a
/// single flipped byte is caught, restores the pre-update point and proves it equals the device as it was.
/// </summary>
internal static class DemoCommand
{
    public static int Run(CliContext context)
    {
        string dir = Path.GetFullPath(context.Args.Value("--dir") ?? Path.Combine(Path.GetTempPath(), $"rollbackctl-demo-{Environment.ProcessId}"));
        bool keep = context.Args.Has("--keep");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"demo directory {dir} is not empty; give an empty or new --dir");
        var clock = Stopwatch.StartNew();
        var output = context.Out;
        try
        {
            Directory.CreateDirectory(dir);
            string device = Path.Combine(dir, "device");
            string configPath = Path.Combine(dir, "rollback.json");
            File.WriteAllText(configPath, DemoDevice.ConfigTemplate);
            DemoDevice.Create(device);
            var config = ConfigLoader.Load(configPath);

            Step(output, 1, $"A sandbox device in {device}, five components (config {configPath}):");
            var graph = new Table("COMPONENT", "CATEGORY", "PATH", "DEPENDS ON");
            foreach (var c in config.Components)
                graph.Add(c.Name, c.Category.ToString(), c.Path ?? c.Block ?? "", c.DependsOn.Count == 0 ? "-" : string.Join(",", c.DependsOn));
            output.Write(Indent(graph.ToString()));
            var before = config.Components.ToDictionary(c => c.Name, c => TreeFingerprint.Compute(Path.Combine(device, c.Path!)));

            Step(output, 2, "Recovery point before the update (content-defined chunks, deduplicated, zstd, packed):");
            var first = Snapshot(context, config, "pre-update", RecoveryPointReason.PreUpdate);

            Step(output, 3, "An update replaces part of the kernel, rebuilds some modules, edits the config, ships a broken service:");
            DemoDevice.ApplyUpdate(device);
            output.WriteLine("    done.");

            Step(output, 4, "Recovery point after the update: only changed files are read, only new chunks stored:");
            Snapshot(context, config, "post-update", RecoveryPointReason.Manual);

            Step(output, 5, "verify reads back and hashes every chunk, manifest, index and the catalog:");
            var report = new StoreVerifier(config.Store).Verify(null);
            output.WriteLine(report.Clean
                ? $"    OK: {report.ChunksChecked} chunks, {Units.Bytes(report.BytesChecked)}, {report.ManifestsChecked} manifests."
                : $"    DAMAGED: {report.Problems.Count} problems.");
            if (!report.Clean)
                return ExitCodes.Corruption;

            Step(output, 6, "One flipped byte in a copy of the store is caught, and named:");
            ShowCorruptionCaught(output, config.Store, Path.Combine(dir, "store-damaged"));

            Step(output, 7, $"Restore the pre-update point {first.Id} into an empty directory and compare with the device as it was:");
            string inspect = Path.Combine(dir, "restored");
            var store = RecoveryStore.Open(config.Store);
            new PointExporter(store, context.Logger).Export(store.GetPoint(first.Id), inspect, null);
            bool allEqual = true;
            var compare = new Table("COMPONENT", "BEFORE UPDATE", "RESTORED", "RESULT");
            foreach (var c in config.Components)
            {
                string restored = TreeFingerprint.Compute(Path.Combine(inspect, c.Path!));
                bool equal = restored == before[c.Name];
                allEqual &= equal;
                compare.Add(c.Name, before[c.Name], restored, equal ? "identical" : "DIFFERENT");
            }
            output.Write(Indent(compare.ToString()));

            Step(output, 8, "Retention keeps the store bounded (here: at most 1 point in all, so the oldest goes):");
            var pruned = new Pruner(config.Store, new RetentionPolicy(config.Retention.MaxPerCategory, 1), config.Compression.Level, context.Logger).Prune();
            output.WriteLine($"    removed {pruned.Removed.Count} point(s), reclaimed {Units.Bytes(pruned.BytesReclaimed)}; the store still verifies: " +
                             (new StoreVerifier(config.Store).Verify(null).Clean ? "yes" : "NO"));

            output.WriteLine();
            output.WriteLine(allEqual
                ? $"Demo finished in {Units.Duration(clock.Elapsed)}: the pre-update state came back exactly."
                : "Demo FAILED: a restored component differs from the device before the update.");
            return allEqual ? ExitCodes.Success : ExitCodes.Failed;
        }
        finally
        {
            if (keep)
                output.WriteLine($"Kept the sandbox in {dir} (config {Path.Combine(dir, "rollback.json")}).");
            else if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    private static RecoveryPointRecord Snapshot(CliContext context, RollbackConfig config, string name, RecoveryPointReason reason)
    {
        var clock = Stopwatch.StartNew();
        var point = new Snapshotter(config, context.Logger).Create(new SnapshotRequest(name, reason, null));
        var table = new Table("COMPONENT", "ENTRIES", "DATA", "READ", "STORED NEW");
        foreach (var c in point.Components)
            table.Add(c.Name, c.Entries.ToString(), Units.Bytes(c.DataBytes), Units.Bytes(c.ReadBytes), Units.Bytes(c.AddedBytes));
        context.Out.WriteLine($"    {point.Id} '{name}' in {Units.Duration(clock.Elapsed)}");
        context.Out.Write(Indent(table.ToString()));
        return point;
    }

    private static void ShowCorruptionCaught(TextWriter output, string store, string copy)
    {
        CopyDirectory(store, copy);
        string pack = Directory.EnumerateFiles(Path.Combine(copy, "packs"), "*.pack").Order(StringComparer.Ordinal).First();
        using (var stream = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            int b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x01));
        }
        var report = new StoreVerifier(copy).Verify(null);
        foreach (var p in report.Problems.Take(3))
            output.WriteLine($"    point {p.PointId ?? "-"} component {p.Component ?? "-"} file {p.File ?? "-"}: {p.Message}");
        if (report.Problems.Count > 3)
            output.WriteLine($"    ... {report.Problems.Count - 3} more");
        output.WriteLine($"    (rollbackctl verify exits {(report.Clean ? 0 : ExitCodes.Corruption)}; a rollback from this store would be refused before touching the device)");
        Directory.Delete(copy, recursive: true);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    private static void Step(TextWriter output, int number, string text)
    {
        output.WriteLine();
        output.WriteLine($"[{number}] {text}");
    }

    private static string Indent(string text) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(l => "    " + l)) + "\n";
}
