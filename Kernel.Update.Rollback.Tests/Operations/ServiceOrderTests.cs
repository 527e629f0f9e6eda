using System.Text.Json;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Operations;

/// <summary>
/// Partial rollback of a seven-component graph whose services are real processes (a daemon per service, started
/// and stopped by the config's commands through the real CLI): services stop dependents first, components are
/// restored dependencies first, services start dependencies first, and nothing outside the closure is touched.
/// A service that will not start sends the rollback back to its safety point, services running again.
/// </summary>
public sealed class ServiceOrderTests
{
    // kernel <- drivers <- app <- ui;  config <- db <- app;  data stands alone.
    private const string Components = """
        [
          { "name": "kernel",  "category": "KernelCore",     "path": "boot" },
          { "name": "drivers", "category": "DeviceDrivers",  "path": "lib/modules", "dependsOn": ["kernel"], "services": [{ "start": "$SVC udevd start", "stop": "$SVC udevd stop", "timeoutSeconds": 10 }] },
          { "name": "config",  "category": "Configuration",  "path": "etc" },
          { "name": "db",      "category": "Database",       "path": "var/db", "dependsOn": ["config"], "services": [{ "start": "$SVC dbd start", "stop": "$SVC dbd stop", "timeoutSeconds": 10 }] },
          { "name": "app",     "category": "SystemServices", "path": "opt/app", "dependsOn": ["drivers", "db"], "services": [{ "start": "$SVC appd start", "stop": "$SVC appd stop", "timeoutSeconds": 10 }, { "start": "$SVC app-worker start", "stop": "$SVC app-worker stop", "timeoutSeconds": 10 }] },
          { "name": "ui",      "category": "SystemServices", "path": "opt/ui", "dependsOn": ["app"], "services": [{ "start": "$SVC uid start", "stop": "$SVC uid stop", "timeoutSeconds": 10 }] },
          { "name": "data",    "category": "UserData",       "path": "var/data", "services": [{ "start": "$SVC syncd start", "stop": "$SVC syncd stop", "timeoutSeconds": 10 }] }
        ]
        """;

    // Starts or stops a daemon (sleep, in its own session) by pid file and logs the action; idempotent both ways.
    // appd refuses to start unless the app's config says ok, as a real service refuses a broken config.
    private const string Script = """
        #!/bin/sh
        name=$1 action=$2 run=$(dirname "$0")/run root=$(dirname "$0")/device
        mkdir -p "$run"
        echo "$action $name" >> "$run/order.log"
        pidfile="$run/$name.pid"
        if [ "$action" = start ]; then
            if [ "$name" = appd ] && ! grep -q '^ok$' "$root/opt/app/app.conf"; then echo "appd: bad config" >&2; exit 3; fi
            if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then exit 0; fi
            setsid sleep 600 >/dev/null 2>&1 < /dev/null &
            echo $! > "$pidfile"
        else
            [ -f "$pidfile" ] || exit 0
            pid=$(cat "$pidfile"); kill "$pid" 2>/dev/null
            # gone, or a zombie waiting for init to reap it
            while state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) && [ "$state" != Z ]; do sleep 0.02; done
            rm -f "$pidfile"
        fi
        """;

    private static readonly string[] Services = ["udevd", "dbd", "appd", "app-worker", "uid", "syncd"];

    [Fact]
    public void ServicesStopDependentsFirstAndStartDependenciesFirstAndNothingOutsideTheClosureIsTouched()
    {
        using var bed = Bed(out string svc);
        using var daemons = new Daemons(svc);
        var target = bed.Snapshot("target");
        Update(bed);
        daemons.StartAll();
        var pidsBefore = Pids(bed);
        File.Delete(Run(bed, "order.log"));

        var result = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--components", "drivers", "--yes", "--json").EnsureSuccess();

        using var json = result.Json();
        var steps = json.RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => $"{s.GetProperty("step").GetString()} {s.GetProperty("component").GetString()}").ToList();
        Assert.Equal(["drivers", "app", "ui"], json.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([
            "services-stopped ui", "services-stopped app", "services-stopped drivers",
            "restored drivers", "restored app", "restored ui",
            "services-started drivers", "services-started app", "services-started ui"], steps);
        // The processes themselves: stopped dependents first (a component's own services in reverse), started dependencies first.
        Assert.Equal(["stop uid", "stop app-worker", "stop appd", "stop udevd", "start udevd", "start appd", "start app-worker", "start uid"],
            File.ReadAllLines(Run(bed, "order.log")));

        var pidsAfter = Pids(bed);
        foreach (string service in Services)
            Assert.True(Alive(pidsAfter[service]), $"{service} is not running after the rollback");
        foreach (string restarted in new[] { "udevd", "appd", "app-worker", "uid" })
            Assert.NotEqual(pidsBefore[restarted], pidsAfter[restarted]);
        foreach (string untouched in new[] { "dbd", "syncd" })
            Assert.Equal(pidsBefore[untouched], pidsAfter[untouched]);

        Assert.Equal("driver v1\n", File.ReadAllText(bed.Live("lib/modules/net.ko")));
        Assert.Equal("ok\nv1\n", File.ReadAllText(bed.Live("opt/app/app.conf")));
        Assert.Equal("ui v1\n", File.ReadAllText(bed.Live("opt/ui/index.html")));
        Assert.Equal("kernel v2\n", File.ReadAllText(bed.Live("boot/vmlinuz")));   // a dependency, not a dependent: untouched
        Assert.Equal("rows v2\n", File.ReadAllText(bed.Live("var/db/rows")));
        Assert.Equal("user v2\n", File.ReadAllText(bed.Live("var/data/notes")));
    }

    [Fact]
    public void AServiceThatWillNotStartRevertsTheRollbackAndItsServicesRunAgain()
    {
        using var bed = Bed(out string svc);
        using var daemons = new Daemons(svc);
        File.WriteAllText(bed.Live("opt/app/app.conf"), "broken\n");
        var broken = bed.Snapshot("a point whose app does not start");
        File.WriteAllText(bed.Live("opt/app/app.conf"), "ok\nv2\n");
        daemons.StartAll();
        File.Delete(Run(bed, "order.log"));

        var result = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", broken.Id, "--components", "app", "--yes");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("appd", result.StdErr);
        Assert.Contains("failed to start", result.StdErr);
        Assert.Equal("ok\nv2\n", File.ReadAllText(bed.Live("opt/app/app.conf"))); // reverted to the safety point
        var order = File.ReadAllLines(Run(bed, "order.log"));
        Assert.Equal(["stop uid", "stop app-worker", "stop appd", "start appd"], order[..4]);
        Assert.Equal("start uid", order[^1]);
        var pids = Pids(bed);
        foreach (string service in Services)
            Assert.True(Alive(pids[service]), $"{service} is not running after the revert");
    }

    [Fact]
    public void ARollbackKilledAnywhereAmongItsServicesIsFinishedByRecoverWithEveryServiceRunning()
    {
        using var bed = Bed(out string svc);
        using var daemons = new Daemons(svc);
        var target = bed.Snapshot("target");
        Update(bed);
        var updated = bed.Snapshot("updated");
        daemons.StartAll();
        var (inside, tried) = CliRunner.KillInRounds(bed.ConfigPath, 12, 3,
            () => CliRunner.RunWithConfig(bed.ConfigPath, "rollback", target.Id, "--components", "drivers", "--yes").EnsureSuccess(),
            () => bed.RestoreLive(updated),
            (moment, delay) =>
            {
                bed.RestoreLive(updated);
                daemons.StartAll();
                var pidsBefore = Pids(bed);
                CliRunner.RunAndKillAfter(delay, "--config", bed.ConfigPath, "rollback", target.Id,
                    "--components", "drivers", "--yes");
                bool interrupted = Kernel.Update.Rollback.Operations.OperationJournal.Inspect(bed.Store) is not null;
                CliRunner.RunWithConfig(bed.ConfigPath, "recover").EnsureSuccess();

                var pids = Pids(bed);
                foreach (string service in Services)
                    Assert.True(Alive(pids[service]), $"moment {moment}: {service} is not running after recover");
                Assert.Equal(pidsBefore["dbd"], pids["dbd"]);
                Assert.Equal(pidsBefore["syncd"], pids["syncd"]);
                string[] scope = [File.ReadAllText(bed.Live("lib/modules/net.ko")), File.ReadAllText(bed.Live("opt/app/app.conf")),
                    File.ReadAllText(bed.Live("opt/ui/index.html"))];
                Assert.True(scope.SequenceEqual(["driver v1\n", "ok\nv1\n", "ui v1\n"]) || scope.SequenceEqual(["driver v2\n", "ok\nv2\n", "ui v2\n"]),
                    $"moment {moment}: the scope is mixed: {string.Join(" | ", scope)}");
                Assert.Equal("kernel v2\n", File.ReadAllText(bed.Live("boot/vmlinuz")));
                Assert.Equal("rows v2\n", File.ReadAllText(bed.Live("var/db/rows")));
                return interrupted;
            });
        Assert.True(inside >= 3, $"only {inside} of {tried} kills landed inside an operation");
    }

    private static StoreTestBed Bed(out string svc)
    {
        var bed = new StoreTestBed(Components);
        svc = bed.Scratch("svc.sh");
        File.WriteAllText(svc, Script.Replace("\r", ""));
        File.SetUnixFileMode(svc, (UnixFileMode)0b111_101_101);
        File.WriteAllText(bed.ConfigPath, File.ReadAllText(bed.ConfigPath).Replace("$SVC", svc));
        Write(bed.Live("boot/vmlinuz"), "kernel v1\n");
        Write(bed.Live("lib/modules/net.ko"), "driver v1\n");
        Write(bed.Live("etc/hostname"), "device\n");
        Write(bed.Live("var/db/rows"), "rows v1\n");
        Write(bed.Live("opt/app/app.conf"), "ok\nv1\n");
        Write(bed.Live("opt/ui/index.html"), "ui v1\n");
        Write(bed.Live("var/data/notes"), "user v1\n");
        return bed;
    }

    private static void Update(StoreTestBed bed)
    {
        Write(bed.Live("boot/vmlinuz"), "kernel v2\n");
        Write(bed.Live("lib/modules/net.ko"), "driver v2\n");
        Write(bed.Live("var/db/rows"), "rows v2\n");
        Write(bed.Live("opt/app/app.conf"), "ok\nv2\n");
        Write(bed.Live("opt/ui/index.html"), "ui v2\n");
        Write(bed.Live("var/data/notes"), "user v2\n");
    }

    private static string Run(StoreTestBed bed, string name) => Path.Combine(Path.GetDirectoryName(bed.ConfigPath)!, "run", name);

    /// <summary>The services' daemons, stopped whatever the test's outcome.</summary>
    private sealed class Daemons(string svc) : IDisposable
    {
        public void StartAll()
        {
            foreach (string service in Services)
                ProcessRunner.Run(svc, service, "start").EnsureSuccess();
        }

        public void Dispose()
        {
            foreach (string service in Services)
                ProcessRunner.Run(svc, service, "stop");
        }
    }

    private static Dictionary<string, int> Pids(StoreTestBed bed) =>
        Services.ToDictionary(s => s, s => File.Exists(Run(bed, s + ".pid")) ? int.Parse(File.ReadAllText(Run(bed, s + ".pid")).Trim()) : -1);

    private static bool Alive(int pid) => pid > 0 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z");

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
