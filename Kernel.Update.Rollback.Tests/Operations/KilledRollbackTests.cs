using System.Diagnostics;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Operations;

/// <summary>
/// The real CLI's rollback killed with SIGKILL at 50 moments spread over its run, each followed by
/// <c>rollbackctl recover</c>: every time, either nothing changed or every component in scope equals the
/// target, and the component outside the scope is untouched. Never a mix.
/// </summary>
public sealed class KilledRollbackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Moments = 50;

    [Fact]
    public void ARollbackKilledAtAnyOfFiftyMomentsIsFinishedByRecoverAndNeverLeftMixed()
    {
        using var bed = new StoreTestBed("""
            [
              { "name": "config", "category": "Configuration", "path": "etc" },
              { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["config"] },
              { "name": "data", "category": "UserData", "path": "var/data" }
            ]
            """);
        var random = new Random(11);
        for (int i = 0; i < 30; i++)
            Write(bed.Live($"etc/conf.d/{i:D2}.conf"), Text(random, 2000));
        Write(bed.Live("opt/app/bin"), TestFiles.RandomBytes(random, 3 << 20));
        Write(bed.Live("opt/app/lib.so"), TestFiles.RandomBytes(random, 2 << 20));
        Write(bed.Live("var/data/db"), Text(random, 100_000));
        var target = bed.Snapshot("target");

        // The update the rollback undoes; data changes too but is outside the scope.
        for (int i = 0; i < 30; i += 3)
            Write(bed.Live($"etc/conf.d/{i:D2}.conf"), Text(random, 2500));
        File.Delete(bed.Live("etc/conf.d/29.conf"));
        Write(bed.Live("etc/new.conf"), "new\n");
        Write(bed.Live("opt/app/bin"), TestFiles.RandomBytes(random, 3 << 20));
        Write(bed.Live("var/data/db"), Text(random, 120_000));
        var updated = bed.Snapshot("updated");

        var delays = CliRunner.KillMoments(bed.ConfigPath, Moments,
            () => CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--components", "config", "--yes").EnsureSuccess(),
            () => bed.RestoreLive(updated));

        int interrupted = 0, notBegun = 0;
        for (int moment = 0; moment < Moments; moment++)
        {
            int delay = delays[moment];
            bool killed = CliRunner.RunAndKillAfter(delay, "--config", bed.ConfigPath, "rollback", target.Id, "--components", "config", "--yes");
            bool journaled = OperationJournal.Inspect(bed.Store) is not null;
            interrupted += journaled ? 1 : 0;
            CliRunner.RunWithConfig(bed.ConfigPath, "recover").EnsureSuccess();
            Assert.Null(OperationJournal.Inspect(bed.Store));

            bool atTarget = Equal(bed, target, "config") && Equal(bed, target, "app");
            bool untouched = Equal(bed, updated, "config") && Equal(bed, updated, "app");
            Assert.True(atTarget || untouched,
                $"moment {moment} ({delay} ms, killed {killed}, journaled {journaled}): config and app are neither the target nor untouched");
            Assert.True(Equal(bed, updated, "data"), $"moment {moment}: data is outside the scope but changed");
            notBegun += untouched && !atTarget ? 1 : 0;
            bed.RestoreLive(updated);
        }
        output.WriteLine($"kills from {delays[0]} to {delays[^1]} ms; {interrupted} kills inside a journaled operation, {notBegun} before it began, the rest after it completed");
        Assert.True(interrupted >= 5, $"only {interrupted} of {Moments} kills landed inside an operation");
        Assert.True(notBegun < Moments, "no kill came late enough for the rollback to begin");
    }

    private static bool Equal(StoreTestBed bed, RecoveryPointRecord point, string component) => bed.LiveEquals(point, component);

    private static void Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    private static void Write(string path, byte[] data) => TestFiles.Write(path, data);

    private static string Text(Random random, int length)
    {
        var builder = new System.Text.StringBuilder(length);
        while (builder.Length < length)
            builder.Append("key").Append(random.Next(1000)).Append(" = ").Append(random.Next()).Append('\n');
        return builder.ToString();
    }
}
