using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Real samples of every on-disk format, written by the engine itself from a small store: two recovery points of a
/// tree with files of every kind, so the fuzzers start from what the parsers really see.
/// </summary>
public sealed class FuzzCorpus : IDisposable
{
    private readonly StoreTestBed _bed;

    public FuzzCorpus()
    {
        _bed = StoreTestBed.WithOneTree("app", "opt/app");
        var random = new Random(5);
        string app = _bed.Live("opt/app");
        Directory.CreateDirectory(Path.Combine(app, "bin"));
        Directory.CreateDirectory(Path.Combine(app, "etc/conf.d"));
        for (int i = 0; i < 12; i++)
            File.WriteAllText(Path.Combine(app, $"etc/conf.d/{i:D2}.conf"), $"key{i} = {random.Next()}\n");
        var blob = new byte[300_000];
        random.NextBytes(blob);
        File.WriteAllBytes(Path.Combine(app, "bin/tool"), blob);
        File.WriteAllText(Path.Combine(app, "readme"), string.Concat(Enumerable.Repeat("text that compresses\n", 4000)));
        File.CreateSymbolicLink(Path.Combine(app, "current"), "bin/tool");
        Kernel.Update.Rollback.Native.Posix.Link(Path.Combine(app, "bin/tool"), Path.Combine(app, "bin/tool-again"));
        using (var sparse = File.OpenHandle(Path.Combine(app, "sparse"), FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(sparse, "data"u8, 1 << 20);
            RandomAccess.SetLength(sparse, 3 << 20);
        }
        var first = _bed.Snapshot("first");
        File.AppendAllText(Path.Combine(app, "readme"), "changed\n");
        _bed.Snapshot("second");

        var store = RecoveryStore.Open(_bed.Store);
        Store = _bed.Store;
        Catalog = File.ReadAllBytes(store.Layout.Catalog);
        Manifests = Directory.GetFiles(store.Layout.Manifests, "*.mf").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Packs = store.Catalog.Packs;
        Indexes = Packs.Select(p => File.ReadAllBytes(store.Layout.IndexPath(p.Id))).ToArray();
        FirstPoint = first.Id;

        // A journal as a crash in the middle of a rollback leaves it.
        string journalStore = _bed.Scratch("journal-store");
        using (var journal = OperationJournal.Create(journalStore, RollbackScope.Partial, first.Id, ["app", "data"], "uid 0 (root)", NullLogger.Instance))
        {
            journal.EnterPhase(RollbackPhase.CreatingRecoveryPoint);
            journal.RecordSafetyPoint("0123456789ab");
            journal.EnterPhase(RollbackPhase.SnapshotValidation);
            journal.EnterPhase(RollbackPhase.ComponentRollback);
            journal.RecordStep("app", ComponentSteps.ServicesStopped);
            journal.RecordStep("app", ComponentSteps.Restored);
            journal.RecordNote("a note for people");
            Journal = File.ReadAllBytes(journal.Path);
        }
    }

    public string Store { get; }
    public byte[] Catalog { get; }
    public byte[][] Manifests { get; }
    public IReadOnlyList<PackRecord> Packs { get; }
    public byte[][] Indexes { get; }
    public byte[] Journal { get; }
    public string FirstPoint { get; }

    public string Scratch(string name) => _bed.Scratch(name);

    public void Dispose() => _bed.Dispose();
}
