using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Health;
using static Kernel.Update.Rollback.Tests.Configuration.ConfigText;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>The "health" list of a component: each kind read into its typed spec, each bad value one problem naming
/// the component, the probe's index and the key, and the whole written back unchanged.</summary>
public class ProbeConfigTests
{
    private static string App(string probes) =>
        With($$"""{ "name": "app", "category": "SystemServices", "path": "opt/app", "health": [{{probes}}] }""");

    private static IReadOnlyList<ProbeSpec> Probes(string probes) => Parse(App(probes)).Graph.Get("app").Probes;

    private const string EveryKind = """
        { "type": "unit", "unit": "app.service" },
        { "type": "pidfile", "path": "run/./app.pid" },
        { "type": "tcp", "host": "127.0.0.1", "port": 8080 },
        { "type": "http", "url": "http://localhost:8080/health?full=1", "level": "Warning", "timeoutSeconds": 2 },
        { "type": "file", "path": "/var/lib/app/../app/heartbeat", "maxAgeSeconds": 60 },
        { "type": "command", "command": "sqlite3 /var/lib/app/db 'pragma integrity_check'", "trigger": "Corruption", "timeoutSeconds": 120 },
        { "type": "memory", "warningBelow": 67108864, "criticalBelow": 16777216 },
        { "type": "disk", "path": ".", "degradedBelow": 3000, "warningBelow": 2000, "criticalBelow": 1000 },
        { "type": "load", "warningAbove": 4, "criticalAbove": 8.5 }
        """;

    [Fact]
    public void EveryKindIsReadIntoItsSpecWithItsDefaults()
    {
        var probes = Probes(EveryKind);
        Assert.Equal(Enum.GetValues<ProbeKind>(), probes.Select(p => p.Kind));
        Assert.Equal(new UnitProbeSpec("app.service"), probes[0]);
        Assert.Equal("run/app.pid", ((PidFileProbeSpec)probes[1]).Path);
        Assert.Equal(new TcpProbeSpec("127.0.0.1", 8080), probes[2]);
        Assert.Equal(new HttpProbeSpec("http://localhost:8080/health?full=1") { FailLevel = HealthLevel.Warning, TimeoutSeconds = 2 }, probes[3]);
        Assert.Equal(new FileProbeSpec("/var/lib/app/heartbeat", 60), probes[4]);
        Assert.Equal(TriggerKind.Corruption, probes[5].Trigger);
        Assert.Equal(120, probes[5].TimeoutSeconds);
        Assert.Equal(new Thresholds<long>(null, 67108864, 16777216), ((MemoryProbeSpec)probes[6]).Thresholds);
        Assert.Equal(new DiskProbeSpec(".", new Thresholds<long>(3000, 2000, 1000)), probes[7]);
        Assert.Equal(new Thresholds<double>(null, 4, 8.5), ((LoadProbeSpec)probes[8]).Thresholds);
    }

    [Fact]
    public void ServiceProbesStandForServiceFailureAndTheOthersForCriticalErrorUnlessConfigured()
    {
        var probes = Probes(EveryKind);
        Assert.Equal(
            [TriggerKind.ServiceFailure, TriggerKind.ServiceFailure, TriggerKind.ServiceFailure, TriggerKind.ServiceFailure,
             TriggerKind.CriticalError, TriggerKind.Corruption, TriggerKind.CriticalError, TriggerKind.CriticalError, TriggerKind.CriticalError],
            probes.Select(p => p.Trigger));
        Assert.All(probes.Where(p => p.Kind != ProbeKind.Http), p => Assert.Equal(HealthLevel.Critical, p.FailLevel));
        Assert.All(probes.Where(p => p.Kind is not (ProbeKind.Http or ProbeKind.Command)), p => Assert.Equal(ProbeSpec.DefaultTimeoutSeconds, p.TimeoutSeconds));
    }

    [Fact]
    public void AComponentWithoutHealthHasNoProbes() =>
        Assert.Empty(Parse(With("""{ "name": "etc", "category": "Configuration", "path": "etc" }""")).Graph.Get("etc").Probes);

    [Theory]
    [InlineData("""null""", "health[0] is null")]
    [InlineData("""{ "unit": "a.service" }""", "health[0] has no type", "one of: unit, pidfile, tcp, http, file, command, memory, disk, load")]
    [InlineData("""{ "type": "tcpp", "port": 1 }""", "health[0] has an unknown type 'tcpp'")]
    [InlineData("""{ "type": "unit" }""", "health[0] (unit) has no 'unit'")]
    [InlineData("""{ "type": "unit", "unit": "no suffix" }""", "(unit) has an invalid systemd unit name 'no suffix'")]
    [InlineData("""{ "type": "pidfile" }""", "(pidfile) has no 'path'")]
    [InlineData("""{ "type": "pidfile", "path": "../run/app.pid" }""", "(pidfile) has path '../run/app.pid' that climbs out of the root")]
    [InlineData("""{ "type": "file", "path": "" }""", "(file) has a path that is empty")]
    [InlineData("""{ "type": "file", "path": "x", "maxAgeSeconds": 0 }""", "(file) has maxAgeSeconds 0")]
    [InlineData("""{ "type": "tcp", "host": "127.0.0.1" }""", "(tcp) has no 'port'")]
    [InlineData("""{ "type": "tcp", "host": "127.0.0.1", "port": 70000 }""", "(tcp) has port 70000, outside 1..65535")]
    [InlineData("""{ "type": "tcp", "host": "127.0.0.1", "port": 0 }""", "(tcp) has port 0, outside 1..65535")]
    [InlineData("""{ "type": "tcp", "host": "not a host", "port": 80 }""", "(tcp) has host 'not a host'")]
    [InlineData("""{ "type": "http", "url": "https://example.org/health" }""", "(http) has an https:// url", "use a command probe with curl")]
    [InlineData("""{ "type": "http", "url": "ftp://example.org/" }""", "(http) has url 'ftp://example.org/' with scheme 'ftp'")]
    [InlineData("""{ "type": "http", "url": "/health" }""", "(http) has url '/health' that is not an absolute URL")]
    [InlineData("""{ "type": "command", "command": " " }""", "(command) has an empty command")]
    [InlineData("""{ "type": "command", "command": "true", "timeoutSeconds": 0 }""", "(command) has timeoutSeconds 0, outside 1..3600")]
    [InlineData("""{ "type": "command", "command": "true", "timeoutSeconds": 3601 }""", "(command) has timeoutSeconds 3601")]
    [InlineData("""{ "type": "command", "command": "true", "level": "Good" }""", "(command) has level 'Good'", "Degraded, Warning, Critical")]
    [InlineData("""{ "type": "command", "command": "true", "trigger": "Broken" }""", "(command) has an unknown trigger 'Broken'", "ServiceFailure")]
    [InlineData("""{ "type": "memory" }""", "(memory) has no threshold", "warningBelow")]
    [InlineData("""{ "type": "memory", "criticalBelow": -1 }""", "(memory) has criticalBelow -1", "at least 0")]
    [InlineData("""{ "type": "memory", "warningBelow": 100, "criticalBelow": 200 }""", "(memory) has criticalBelow 200 above warningBelow 100")]
    [InlineData("""{ "type": "disk", "criticalBelow": 1 }""", "(disk) has no 'path'")]
    [InlineData("""{ "type": "load", "warningAbove": 8, "criticalAbove": 4 }""", "(load) has criticalAbove 4 below warningAbove 8")]
    [InlineData("""{ "type": "load", "criticalAbove": 4, "level": "Warning" }""", "(load): 'level' does not apply to a load probe", "it takes: degradedAbove")]
    [InlineData("""{ "type": "tcp", "host": "a", "port": 1, "url": "http://a/" }""", "(tcp): 'url' does not apply to a tcp probe", "host, port")]
    [InlineData("""{ "type": "command", "command": "true", "timeout": 5 }""", "health[0]: unknown property 'timeout'", "did you mean 'timeoutSeconds'?")]
    public void EachBadValueIsOneProblemNamingTheComponentTheProbeAndTheKey(string probe, params string[] fragments) =>
        Problem(App(probe), ["component app health[0]", .. fragments]);

    [Fact]
    public void AValueOfTheWrongTypeIsReportedWithItsPath() =>
        Problem(App("""{ "type": "tcp", "host": "a", "port": "80" }"""), "$.components[0].health[0].port should be a whole number");

    [Fact]
    public void ProbeProblemsAreCollectedWithTheOtherProblemsOfTheFile()
    {
        var problems = Problems(With("""
            { "name": "app", "category": "SystemServices", "path": "opt/app", "health": [
                { "type": "tcp", "host": "127.0.0.1", "port": 0 },
                { "type": "command", "command": "true" },
                { "type": "http", "url": "https://localhost/" } ] },
            { "name": "db", "category": "Nope", "path": "var/db", "health": [{ "type": "disk", "path": "/var", "criticalBelow": -5 }] }
            """));
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("component app health[0] (tcp) has port 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("component app health[2] (http)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("component db has an unknown category", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("component db health[0] (disk) has criticalBelow -5", StringComparison.Ordinal));
    }

    [Fact]
    public void ProbesAreWrittenBackAndReadTheSame()
    {
        var config = Parse(App(EveryKind));
        string json = ConfigWriter.ToJson(config);
        var again = Parse(json);
        Assert.Equal(config.Graph.Get("app").Probes, again.Graph.Get("app").Probes);
        Assert.Equal(json, ConfigWriter.ToJson(again));
        Assert.Contains("\"type\": \"pidfile\"", json);
        Assert.Contains("\"trigger\": \"Corruption\"", json);
        // A threshold probe's level comes from its thresholds: it has no "level" key to write.
        using var written = System.Text.Json.JsonDocument.Parse(json);
        foreach (var probe in written.RootElement.GetProperty("components")[0].GetProperty("health").EnumerateArray())
        {
            bool threshold = probe.GetProperty("type").GetString() is "memory" or "disk" or "load";
            Assert.Equal(!threshold, probe.TryGetProperty("level", out _));
        }
    }
}
