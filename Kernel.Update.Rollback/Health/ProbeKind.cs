namespace Kernel.Update.Rollback.Health;

/// <summary>What a probe checks. In the config, the <c>"type"</c> of a probe is the name in lower case ("pidfile").</summary>
public enum ProbeKind
{
    /// <summary>A systemd unit is active.</summary>
    Unit,
    /// <summary>The process whose pid is in a file is alive (not gone, not a zombie).</summary>
    PidFile,
    /// <summary>A TCP connect succeeds.</summary>
    Tcp,
    /// <summary>An http:// URL answers 2xx.</summary>
    Http,
    /// <summary>A path exists, and optionally was modified recently.</summary>
    File,
    /// <summary>A shell command exits 0.</summary>
    Command,
    /// <summary>MemAvailable against thresholds.</summary>
    Memory,
    /// <summary>Free space of a file system against thresholds.</summary>
    Disk,
    /// <summary>The 1-minute load average against thresholds.</summary>
    Load,
}
