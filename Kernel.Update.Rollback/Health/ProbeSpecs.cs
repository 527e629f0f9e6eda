using System.Globalization;

namespace Kernel.Update.Rollback.Health;

// The probe kinds. Paths are absolute or relative to the device root, as configured; RollbackConfig.LocateBlock
// resolves them, like block paths.

/// <summary>A systemd unit is active (<c>systemctl is-active UNIT</c>).</summary>
public sealed record UnitProbeSpec(string Unit) : ProbeSpec(TriggerKind.ServiceFailure)
{
    public override ProbeKind Kind => ProbeKind.Unit;
    protected override string Target => Unit;
}

/// <summary>The process whose pid is in <see cref="Path"/> is alive: /proc/PID exists and is not a zombie.</summary>
public sealed record PidFileProbeSpec(string Path) : ProbeSpec(TriggerKind.ServiceFailure)
{
    public override ProbeKind Kind => ProbeKind.PidFile;
    protected override string Target => Path;
}

/// <summary>A TCP connect to <see cref="Host"/>:<see cref="Port"/> succeeds within the timeout.</summary>
public sealed record TcpProbeSpec(string Host, int Port) : ProbeSpec(TriggerKind.ServiceFailure)
{
    public override ProbeKind Kind => ProbeKind.Tcp;

    /// <summary>"host:port", an IPv6 address in brackets.</summary>
    public string Endpoint => (Host.Contains(':') ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    protected override string Target => Endpoint;
}

/// <summary>An http:// URL answers a GET with a 2xx status within the timeout.</summary>
public sealed record HttpProbeSpec(string Url) : ProbeSpec(TriggerKind.ServiceFailure)
{
    public override ProbeKind Kind => ProbeKind.Http;
    protected override string Target => Url;
}

/// <summary>A path exists and, with <see cref="MaxAgeSeconds"/>, was modified at most that long ago.</summary>
public sealed record FileProbeSpec(string Path, int? MaxAgeSeconds = null) : ProbeSpec(TriggerKind.CriticalError)
{
    public override ProbeKind Kind => ProbeKind.File;
    protected override string Target => Path;
}

/// <summary>A shell command (<c>/bin/sh -c</c>) exits 0 within the timeout; on a timeout its process group is killed.</summary>
public sealed record CommandProbeSpec(string Command) : ProbeSpec(TriggerKind.CriticalError)
{
    private const int ShownLength = 60;

    public override ProbeKind Kind => ProbeKind.Command;
    protected override string Target => Command.Length <= ShownLength ? Command : Command[..(ShownLength - 1)] + "…";
}

/// <summary>MemAvailable from /proc/meminfo, in bytes, against thresholds it must stay above.</summary>
public sealed record MemoryProbeSpec(Thresholds<long> Thresholds) : ProbeSpec(TriggerKind.CriticalError)
{
    public override ProbeKind Kind => ProbeKind.Memory;
    protected override string Target => "";
}

/// <summary>Bytes available to unprivileged writers (statvfs f_bavail) on the file system of <see cref="Path"/>.</summary>
public sealed record DiskProbeSpec(string Path, Thresholds<long> Thresholds) : ProbeSpec(TriggerKind.CriticalError)
{
    public override ProbeKind Kind => ProbeKind.Disk;
    protected override string Target => Path;
}

/// <summary>The 1-minute load average from /proc/loadavg against thresholds it must stay under.</summary>
public sealed record LoadProbeSpec(Thresholds<double> Thresholds) : ProbeSpec(TriggerKind.CriticalError)
{
    public override ProbeKind Kind => ProbeKind.Load;
    protected override string Target => "";
}
