using System.Diagnostics;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;
using Kernel.Update.Rollback.Triggers;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Two real <c>rollbackctl</c> processes on one store at once. The store lock lets one in; the other waits (up to 2 s)
/// and then succeeds, or is refused with exit 2 and a message naming the holder's pid. Never a damaged store, never a
/// rollback half done, never a point lost that no prune selected.
/// </summary>
public sealed partial class ConcurrentCliTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("snapshot", "snapshot")]
    [InlineData("rollback", "prune")]
    [InlineData("rollback", "snapshot")]
    public void TwoOperationsAtOnceBothSucceedOrOneIsRefusedNamingTheOtherAndTheStoreVerifies(string first, string second)
    {
        using var bed = new Bed();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var before = bed.PointIds();
            using var a = CliProcess.Start(bed.Args(first, $"a{attempt}"));
            using var b = CliProcess.Start(bed.Args(second, $"b{attempt}"));
            var (aExit, aErr) = a.Finish();
            var (bExit, bErr) = b.Finish();
            output.WriteLine($"{first} exit {aExit} {aErr.Trim()} | {second} exit {bExit} {bErr.Trim()}");
            ExpectSuccessOrRefusalNaming(first, aExit, aErr, b.Pid);
            ExpectSuccessOrRefusalNaming(second, bExit, bErr, a.Pid);
            Assert.True(aExit == 0 || bExit == 0, "both operations were refused: neither held the store");

            bed.ExpectConsistent(before, (first, aExit == 0, $"a{attempt}"), (second, bExit == 0, $"b{attempt}"));
            bed.Reset();
        }
    }

    [Fact]
    public void AWriterOrTriggerBehindARollbackThatDoesNotFinishIsRefusedNamingItsPid()
    {
        using var bed = new Bed();
        var before = bed.PointIds();
        using var holder = bed.StartHoldingRollback();
        try
        {
            foreach (string contender in new[] { "snapshot", "prune", "rollback" })
            {
                var result = CliRunner.RunWithConfig(bed.ConfigPath, bed.Args(contender, "late").Skip(2).ToArray());
                output.WriteLine($"{contender} behind a stopped rollback: exit {result.ExitCode}, {result.StdErr.Trim()}");
                Assert.True(result.ExitCode == 2, $"{contender} was not refused:\n{result}");
                Assert.Contains($"pid {holder.Pid}", result.StdErr);
            }
            // The monitor asks this gate before an automatic rollback: it must hold back while the manual one runs.
            string? why = new TriggerGate(bed.Config).WhyNot(new TriggerEvent(TriggerKind.ServiceFailure, "app down", ["app"]));
            output.WriteLine($"an automatic trigger during the manual rollback: {why ?? "allowed"}");
            Assert.NotNull(why);
        }
        finally
        {
            Signals.Send(holder.Pid, Signals.Continue);
        }
        var (exit, error) = holder.Finish();
        Assert.True(exit == 0, $"the held-up rollback failed once resumed: {error}");
        bed.ExpectConsistent(before, ("rollback", true, "held"));
    }

    private static void ExpectSuccessOrRefusalNaming(string command, int exit, string stderr, int otherPid)
    {
        if (exit == 0)
            return;
        Assert.True(exit == 2, $"{command} neither succeeded nor was refused (exit {exit}): {stderr}");
        Assert.Contains($"pid {otherPid}", stderr);
    }

    /// <summary>kill(2) without a process in between.</summary>
    private static partial class Signals
    {
        public const int Continue = 18, Stop = 19;

        /// <summary>False when the process is gone.</summary>
        public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
        private static partial int Kill(int pid, int signal);
    }

    /// <summary>Three components (config and app in the rollback's scope, data outside), a target point before an update,
    /// the updated point, and a retention of four so a prune has points to remove.</summary>
    private sealed class Bed : IDisposable
    {
        private readonly StoreTestBed _bed;
        private readonly RecoveryPointRecord _target, _updated;

        public Bed()
        {
            _bed = new StoreTestBed("""
                [
                  { "name": "config", "category": "Configuration", "path": "etc" },
                  { "name": "app", "category": "SystemServices", "path": "opt/app", "dependsOn": ["config"] },
                  { "name": "data", "category": "UserData", "path": "var/data" }
                ]
                """, """ "retention": { "maxPerCategory": 4, "maxTotal": 4 }, "autoRollback": { "enabled": true } """);
            var random = new Random(5);
            for (int i = 0; i < 20; i++)
                Write($"etc/conf.d/{i:D2}.conf", TestFiles.RandomBytes(random, 3000));
            Write("opt/app/bin", TestFiles.RandomBytes(random, 4 << 20));
            Write("var/data/db", TestFiles.RandomBytes(random, 100_000));
            for (int i = 0; i < 3; i++)
                _bed.Snapshot($"old {i}");
            _target = _bed.Snapshot("target");
            for (int i = 0; i < 20; i += 2)
                Write($"etc/conf.d/{i:D2}.conf", TestFiles.RandomBytes(random, 3500));
            Write("opt/app/bin", TestFiles.RandomBytes(random, 4 << 20));
            Write("var/data/db", TestFiles.RandomBytes(random, 120_000));
            _updated = _bed.Snapshot("updated");
            // Pinned, so the prunes never take the points this test rolls back to or compares with.
            Protect(_target.Id, _updated.Id);
        }

        private void Protect(params string[] ids)
        {
            var store = RecoveryStore.Open(_bed.Store);
            using var held = StoreLock.Acquire(store.Layout);
            var next = CatalogEdit.Copy(store.Catalog);
            for (int i = 0; i < next.Points.Count; i++)
                if (ids.Contains(next.Points[i].Id))
                    next.Points[i] = Protected(CatalogEdit.With(next.Points[i], next.Points[i].LastKnownGood));
            store.Commit(next);
        }

        // With returns a fresh record (committed ones are shared), so setting the flag on it changes nothing committed.
        private static RecoveryPointRecord Protected(RecoveryPointRecord point)
        {
            point.Protected = true;
            return point;
        }

        public string ConfigPath => _bed.ConfigPath;
        public Kernel.Update.Rollback.Configuration.RollbackConfig Config => _bed.Config;

        public string[] Args(string command, string name) => command switch
        {
            "snapshot" => ["--config", ConfigPath, "snapshot", "--name", name],
            "rollback" => ["--config", ConfigPath, "rollback", _target.Id, "--components", "config", "--yes"],
            "prune" => ["--config", ConfigPath, "prune"],
            _ => throw new ArgumentException(command),
        };

        public HashSet<string> PointIds() => _bed.Catalog.Points.Select(p => p.Id).ToHashSet();

        /// <summary>A real rollback, SIGSTOPped while it holds the store lock (checked with flock(1) after the stop).</summary>
        public CliProcess StartHoldingRollback()
        {
            string lockFile = Path.Combine(_bed.Store, "lock");
            for (int attempt = 0; attempt < 10; attempt++)
            {
                var process = CliProcess.Start(Args("rollback", ""));
                // Only a flock refused while the process is stopped proves it holds the store.
                while (!process.HasExited)
                {
                    // Stopped by a direct kill(2) and probed in-process: a spawned kill(1) or flock(1) takes longer
                    // than the rollback holds the store here.
                    if (Signals.Send(process.Pid, Signals.Stop))
                    {
                        // Held, and past writing its pid (stopped between its flock and that write, it would be
                        // refused as "pid unknown": a window no real holder stays in for the 2 s a writer waits).
                        if (File.Exists(lockFile) && !Free(lockFile) && LockNames(lockFile, process.Pid))
                            return process;
                        Signals.Send(process.Pid, Signals.Continue);
                    }
                    Thread.Sleep(2);
                }
                process.Finish();
                process.Dispose();
                Reset();
            }
            throw new Xunit.Sdk.XunitException("in 10 attempts no rollback was caught holding the store lock");
        }

        // Not File.OpenHandle nor File.ReadAllText: .NET takes a shared flock of its own on open and throws when the
        // file is locked.
        private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenLock(string lockFile) =>
            Kernel.Update.Rollback.Native.Posix.Open(lockFile, Kernel.Update.Rollback.Native.OpenFlags.ReadOnly, 0);

        private static bool LockNames(string lockFile, int pid)
        {
            using var handle = OpenLock(lockFile);
            var buffer = new byte[32];
            int read = RandomAccess.Read(handle, buffer, 0);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).Trim() == pid.ToString();
        }

        private static bool Free(string lockFile)
        {
            using var handle = OpenLock(lockFile);
            return Kernel.Update.Rollback.Native.Posix.TryLockExclusive(handle);
        }

        /// <summary>No interrupted operation, the store verifies through the CLI, and each operation did all it reported
        /// and nothing it did not: a rollback that succeeded left config and app at the target (else as updated), data is
        /// never touched, a snapshot that succeeded added its named point, no point was lost but what retention selects.</summary>
        public void ExpectConsistent(HashSet<string> before, params (string Command, bool Succeeded, string Name)[] operations)
        {
            Assert.Null(OperationJournal.Inspect(_bed.Store));
            var verify = CliRunner.RunWithConfig(ConfigPath, "verify");
            Assert.True(verify.ExitCode == 0, $"the store does not verify:\n{verify}");
            bool rolledBack = false;
            foreach (var (command, succeeded, name) in operations)
            {
                rolledBack |= command == "rollback" && succeeded;
                if (command == "snapshot")
                    Assert.Equal(succeeded, _bed.Catalog.Points.Any(p => p.Name == name));
            }
            var expected = rolledBack ? _target : _updated;
            Assert.True(Equal(expected, "config") && Equal(expected, "app"),
                $"config and app are not at the {(rolledBack ? "target" : "updated point")}");
            Assert.True(Equal(_updated, "data"), "data is outside the scope but changed");
            var now = PointIds();
            Assert.Contains(_target.Id, now);
            Assert.Contains(_updated.Id, now);
            bool pruned = operations.Any(o => o.Command == "prune" && o.Succeeded);
            if (!pruned)
                Assert.True(before.IsSubsetOf(now), $"points {string.Join(",", before)} became {string.Join(",", now)} without a prune");
        }

        public void Reset() => _bed.RestoreLive(_updated);

        private bool Equal(RecoveryPointRecord point, string component) => _bed.LiveEquals(point, component);

        private void Write(string relative, byte[] data) => TestFiles.Write(_bed.Live(relative), data);

        public void Dispose() => _bed.Dispose();
    }

    /// <summary>A running rollbackctl with its output drained in the background.</summary>
    private sealed class CliProcess : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stderr;
        private readonly Task<string> _stdout;

        private CliProcess(Process process)
        {
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public static CliProcess Start(IEnumerable<string> args)
        {
            var (file, prefix) = CliRunner.Command;
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in prefix.Concat(args))
                start.ArgumentList.Add(arg);
            return new CliProcess(Process.Start(start)!);
        }

        public int Pid => _process.Id;
        public bool HasExited => _process.HasExited;

        public (int ExitCode, string StdErr) Finish()
        {
            if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException("rollbackctl did not finish in 2 minutes");
            }
            _process.WaitForExit();
            _stdout.Wait();
            return (_process.ExitCode, _stderr.Result);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Signals.Send(_process.Id, Signals.Continue);
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
