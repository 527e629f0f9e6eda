namespace Kernel.Update.Rollback.Health;

/// <summary>
/// One configured health probe of a component: what to check (the derived records), how long it may take, the
/// level it reports when the check fails, and the trigger it stands for when it is critical. Immutable; built by
/// the configuration loader.
/// </summary>
public abstract record ProbeSpec
{
    public const int DefaultTimeoutSeconds = 5;

    protected ProbeSpec(TriggerKind trigger) => Trigger = trigger;

    public abstract ProbeKind Kind { get; }

    /// <summary>How long the probe may take; a probe that has not answered by then has failed.</summary>
    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    /// <summary>The level a failed check reports (a probe that cannot run has failed too). Threshold probes report
    /// the level their value reaches, and this only when they cannot measure.</summary>
    public HealthLevel FailLevel { get; init; } = HealthLevel.Critical;

    /// <summary>What a critical verdict of this probe stands for; the default depends on the kind.</summary>
    public TriggerKind Trigger { get; init; }

    /// <summary>Whether the probe measures a value against thresholds rather than passing or failing.</summary>
    public bool IsThreshold => Kind is ProbeKind.Memory or ProbeKind.Disk or ProbeKind.Load;

    /// <summary>The config name of the kind: "pidfile", "tcp", ...</summary>
    public string TypeName => TypeNameOf(Kind);

    /// <summary>What is probed, short, for reports: "tcp 127.0.0.1:8080", "pidfile run/app.pid".</summary>
    public string Describe() => $"{TypeName} {Target}".TrimEnd();

    /// <summary>The object of the probe as configured (a unit, a path, an address); empty when there is none.</summary>
    protected abstract string Target { get; }

    public static string TypeNameOf(ProbeKind kind) => kind.ToString().ToLowerInvariant();
}
