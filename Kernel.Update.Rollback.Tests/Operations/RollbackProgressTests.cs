using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Operations;

/// <summary>A rollback through the API reports where it is: every phase in order, each component, bytes against the
/// total validation found, a percentage that only grows to 100; and the last report is there on request.</summary>
public sealed class RollbackProgressTests
{
    [Fact]
    public async Task ProgressFollowsThePhasesComponentsAndBytes()
    {
        using var bed = new StoreTestBed("""
            [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["config"] }
            ]
            """);
        Directory.CreateDirectory(bed.Live("etc"));
        Directory.CreateDirectory(bed.Live("opt/app"));
        File.WriteAllText(bed.Live("etc/app.conf"), "v1\n");
        File.WriteAllBytes(bed.Live("opt/app/bin"), new byte[300_000]);
        var target = bed.Snapshot();
        File.WriteAllText(bed.Live("etc/app.conf"), "v2 v2\n");
        File.WriteAllBytes(bed.Live("opt/app/bin"), Enumerable.Repeat((byte)7, 400_000).ToArray());

        var reports = new List<RollbackProgress>();
        var system = new RollbackSystem(bed.Config, NullLogger.Instance);
        await system.RollBackAsync(new RollbackRequest(target.Id, null, false, true, "test"), default, new Recorder(reports));

        Assert.Equal([RollbackPhase.Initializing, RollbackPhase.CreatingRecoveryPoint, RollbackPhase.SnapshotValidation,
            RollbackPhase.ComponentRollback, RollbackPhase.ServiceRestoration, RollbackPhase.Finalization, RollbackPhase.Completed],
            reports.Select(r => r.Phase).Distinct());
        Assert.Equal(["config", "app"], reports.Where(r => r.Component is not null).Select(r => r.Component!).Distinct());
        for (int i = 1; i < reports.Count; i++)
            Assert.True(reports[i].Percent >= reports[i - 1].Percent, $"progress went back: {reports[i - 1]} then {reports[i]}");
        var last = reports[^1];
        Assert.Equal(100, last.Percent);
        Assert.Equal(300_000 + 3, last.BytesTotal);
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.Equal(last, system.Progress);
    }

    /// <summary>Synchronous, unlike <see cref="Progress{T}"/>, which posts to the thread pool.</summary>
    private sealed class Recorder(List<RollbackProgress> reports) : IProgress<RollbackProgress>
    {
        public void Report(RollbackProgress value) => reports.Add(value);
    }
}
