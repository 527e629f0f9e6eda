using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>A device root in a temporary directory and configs whose components carry the probes a test gives.</summary>
internal sealed class HealthBed : IDisposable
{
    private readonly TempDirectory _dir = new();

    public HealthBed() => Root = _dir.CreateSubdirectory("device");

    public string Root { get; }

    public string ConfigPath => _dir.Combine("rollback.json");

    public string Live(string relative) => Path.Combine(Root, relative);

    /// <summary>A scratch path outside the device root.</summary>
    public string Scratch(string name) => _dir.Combine(name);

    public RollbackConfig Config(string componentsJson)
    {
        WriteConfig(componentsJson);
        return ConfigLoader.Load(ConfigPath);
    }

    /// <summary>Writes the config file without loading it (for configs the CLI must refuse).</summary>
    public void WriteConfig(string componentsJson) =>
        File.WriteAllText(ConfigPath, $$"""{ "root": "{{Root}}", "store": "{{_dir.Combine("store")}}", "components": {{componentsJson}} }""");

    /// <summary>One critical component "app" with the given probes (a JSON array's items).</summary>
    public RollbackConfig App(string probesJson) =>
        Config($$"""[{ "name": "app", "category": "SystemServices", "path": "opt/app", "critical": true, "health": [{{probesJson}}] }]""");

    public Task<SystemHealth> CheckAsync(RollbackConfig config, CancellationToken cancellation = default) =>
        new HealthChecker(config, NullLogger.Instance).CheckAsync(cancellation);

    /// <summary>The verdict of one probe, run through the checker as the CLI runs it.</summary>
    public async Task<ProbeResult> ProbeAsync(string probeJson)
    {
        var health = await CheckAsync(App(probeJson));
        return Assert.Single(Assert.Single(health.Components).Probes);
    }

    public void Dispose() => _dir.Dispose();
}
