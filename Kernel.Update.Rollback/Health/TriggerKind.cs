namespace Kernel.Update.Rollback.Health;

/// <summary>Why an automatic rollback may start (the names of the original design). Written to audit and reports by name.</summary>
public enum TriggerKind
{
    /// <summary>An update command exited non-zero.</summary>
    UpdateFailure,
    /// <summary>A probe that is not about a service (a command, a file, a threshold) went critical.</summary>
    CriticalError,
    /// <summary>A service probe (unit, process, port, URL) went critical.</summary>
    ServiceFailure,
    /// <summary>An update command, or a commit window, ran out of time.</summary>
    TimeoutExceeded,
    /// <summary>A probe that checks integrity (configured so) went critical.</summary>
    Corruption,
    /// <summary>Too many boots without confirmation.</summary>
    BootFailure,
}
