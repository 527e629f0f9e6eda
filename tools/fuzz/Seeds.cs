using System.Text;
using System.Text.Json;
using Kernel.Update.Rollback.Boot;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Fuzz;

/// <summary>Writes a seed corpus per target under DIR/TARGET/, taken from a real store the engine writes into DIR/store.</summary>
internal static class Seeds
{
    public static void Write(string directory)
    {
        var sample = SampleStore.Create(directory);
        var layout = sample.Layout;
        Copy(directory, "manifest", Directory.GetFiles(layout.Manifests, "*.mf"));
        Copy(directory, "index", [.. sample.Store.Catalog.Packs.Select(p => layout.IndexPath(p.Id))]);
        Copy(directory, "catalog", [layout.Catalog]);
        Save(directory, "fingerprints", new ChunkFingerprints(0x9E3779B97F4A7C15, [1, 2, 3, UInt128.MaxValue]).Encode(Targets.FingerprintManifest));

        // A journal as a crash in the middle of a rollback leaves it.
        string point = sample.Store.Catalog.Points[0].Id;
        using (var journal = OperationJournal.Create(Path.Combine(directory, "journal-store"), RollbackScope.Partial, point, ["app", "data"],
            "uid 0 (root)", NullLogger.Instance))
        {
            journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);
            journal.RecordSafetyPoint("0123456789ab");
            journal.EnterPhase(RollbackPhase.ComponentRollback);
            journal.RecordStep("app", ComponentSteps.ServicesStopped);
            journal.RecordStep("app", ComponentSteps.Restored);
            journal.RecordNote("a note for people");
            Copy(directory, "journal", [journal.Path]);
        }

        Save(directory, "config", File.ReadAllBytes(Path.Combine(directory, "rollback.json")));
        Save(directory, "boot-state", JsonSerializer.SerializeToUtf8Bytes(
            new BootState { UpdatePointId = point, FailedBoots = 2, CurrentBoot = "6f1e", CurrentBootClean = true }, BootJsonContext.Default.BootState));
        Save(directory, "trigger-state", JsonSerializer.SerializeToUtf8Bytes(
            new TriggerState { BootId = "6f1e", RollbacksThisBoot = 1, Last = DateTimeOffset.UnixEpoch }, TriggerJsonContext.Default.TriggerState));
        string[] requests =
        [
            """{"id":1,"op":"status"}""",
            """{"id":2,"op":"rollback","point":"last-known-good","components":["app","data"],"exact":true,"confirm":true}""",
            """{"id":3,"op":"snapshot","name":"before update","components":["app"]}""",
        ];
        foreach (string request in requests)
            Save(directory, "control-request", Encoding.UTF8.GetBytes(request));
    }

    private static void Copy(string directory, string target, string[] files)
    {
        foreach (string file in files)
            Save(directory, target, File.ReadAllBytes(file));
    }

    private static void Save(string directory, string target, byte[] bytes)
    {
        string dir = Directory.CreateDirectory(Path.Combine(directory, target)).FullName;
        File.WriteAllBytes(Path.Combine(dir, $"seed-{Directory.GetFiles(dir).Length:D2}"), bytes);
    }
}
