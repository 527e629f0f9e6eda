using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Configuration;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Health;

/// <summary>
/// Takes one sample of the device's health: every probe of the components asked for, all at once (they mostly
/// wait on sockets, processes and timeouts), each bounded by its own timeout. A component is as healthy as its
/// worst probe (Good without probes); the device as its worst critical component (Good when none is critical).
/// A failing probe is a verdict, never an exception.
/// </summary>
public sealed class HealthChecker
{
    private readonly RollbackConfig _config;
    private readonly ILogger _logger;

    public HealthChecker(RollbackConfig config, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logger);
        _config = config;
        _logger = logger;
    }

    /// <summary>Checks every component.</summary>
    public Task<SystemHealth> CheckAsync(CancellationToken cancellation = default) => CheckAsync(null, cancellation);

    /// <summary>Checks the named components (all when <paramref name="components"/> is null or empty), in declaration order.</summary>
    /// <exception cref="Errors.RollbackException">InvalidInput, naming the known components, when a name is not configured; nothing ran.</exception>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellation"/> fires; the probes' processes are killed first.</exception>
    public async Task<SystemHealth> CheckAsync(IReadOnlyCollection<string>? components, CancellationToken cancellation = default)
    {
        var selected = Select(components);
        var at = DateTimeOffset.UtcNow;
        var environment = new ProbeEnvironment(_config, Path.GetTempPath());
        var checks = new Task<ComponentHealth>[selected.Count];
        for (int i = 0; i < selected.Count; i++)
            checks[i] = CheckAsync(selected[i], environment, cancellation);
        var results = await Task.WhenAll(checks).ConfigureAwait(false);

        var level = HealthLevel.Good;
        foreach (var component in results)
        {
            if (component.Critical && component.Level > level)
                level = component.Level;
        }
        Log.HealthSampled(_logger, results.Length, level);
        return new SystemHealth(level, results, at);
    }

    private async Task<ComponentHealth> CheckAsync(Component component, ProbeEnvironment environment, CancellationToken cancellation)
    {
        var probes = new Task<ProbeResult>[component.Probes.Count];
        for (int i = 0; i < probes.Length; i++)
        {
            var spec = component.Probes[i];
            // Task.Run: a probe's synchronous start (a fork, a stat) must not hold up starting the others.
            probes[i] = Task.Run(() => ProbeRunner.RunAsync(component.Name, spec, environment, _logger, cancellation), cancellation);
        }
        var results = await Task.WhenAll(probes).ConfigureAwait(false);
        var level = HealthLevel.Good;
        foreach (var probe in results)
        {
            if (probe.Level > level)
                level = probe.Level;
        }
        return new ComponentHealth(component.Name, component.Critical, level, results);
    }

    private List<Component> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0)
            return [.. _config.Components];
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
            wanted.Add(_config.Graph.Get(name).Name);
        return _config.Components.Where(c => wanted.Contains(c.Name)).ToList();
    }
}
