using System.Text.Json;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>Writes rollback.json, for the demo and for provisioning scripts that generate a config.</summary>
public static class ConfigWriter
{
    public static string ToJson(ConfigDocument document) =>
        JsonSerializer.Serialize(document, ConfigJsonContext.Default.ConfigDocument) + "\n";

    /// <summary>Every setting written out explicitly, so the file shows the defaults a device actually runs with.</summary>
    public static string ToJson(RollbackConfig config) => ToJson(ToDocument(config));

    public static ConfigDocument ToDocument(RollbackConfig config) => new()
    {
        Root = config.Root,
        Store = config.Store,
        ReserveBytes = config.ReserveBytes,
        Retention = new RetentionDocument { MaxPerCategory = config.Retention.MaxPerCategory, MaxTotal = config.Retention.MaxTotal },
        Chunking = new ChunkingDocument { MinSize = config.Chunking.MinSize, AvgSize = config.Chunking.AvgSize, MaxSize = config.Chunking.MaxSize },
        Compression = new CompressionDocument { Level = config.Compression.Level },
        Boot = new BootDocument { MaxAttempts = config.Boot.MaxAttempts, RebootCommand = config.Boot.RebootCommand, BootIdFile = config.Boot.BootIdFile },
        Monitor = new MonitorDocument
        {
            IntervalSeconds = config.Monitor.IntervalSeconds,
            BadSamples = config.Monitor.BadSamples,
            Socket = config.Monitor.Socket,
            SocketGroup = config.Monitor.SocketGroup,
        },
        AutoRollback = new AutoRollbackDocument
        {
            Enabled = config.AutoRollback.Enabled,
            Triggers = [.. config.AutoRollback.Triggers.Select(t => (string?)t.ToString())],
            MaxRollbackSeconds = config.AutoRollback.MaxRollbackSeconds,
            PartialAllowed = config.AutoRollback.PartialAllowed,
            PriorityComponents = [.. config.AutoRollback.PriorityComponents.Select(n => (string?)n)],
            CooldownSeconds = config.AutoRollback.CooldownSeconds,
            MaxPerBoot = config.AutoRollback.MaxPerBoot,
        },
        Components = config.Components.Select(c => (ComponentDocument?)new ComponentDocument
        {
            Name = c.Name,
            Category = c.Category.ToString(),
            Path = c.Path,
            Block = c.Block,
            DependsOn = c.DependsOn.Count == 0 ? null : [.. c.DependsOn],
            Services = c.Services.Count == 0 ? null : c.Services.Select(s => (ServiceDocument?)new ServiceDocument
            {
                Unit = s.Unit,
                Start = s.Start,
                Stop = s.Stop,
                TimeoutSeconds = s.TimeoutSeconds,
            }).ToList(),
            Critical = c.Critical ? true : null,
            Health = c.Probes.Count == 0 ? null : c.Probes.Select(p => (ProbeDocument?)ToDocument(p)).ToList(),
        }).ToList(),
    };

    /// <summary>A probe with its timeout, level and trigger written out, like every other setting.</summary>
    private static ProbeDocument ToDocument(ProbeSpec probe)
    {
        var doc = new ProbeDocument
        {
            Type = probe.TypeName,
            TimeoutSeconds = probe.TimeoutSeconds,
            Level = probe.IsThreshold ? null : probe.FailLevel.ToString(),
            Trigger = probe.Trigger.ToString(),
        };
        switch (probe)
        {
            case UnitProbeSpec unit:
                doc.Unit = unit.Unit;
                break;
            case PidFileProbeSpec pidFile:
                doc.Path = pidFile.Path;
                break;
            case TcpProbeSpec tcp:
                (doc.Host, doc.Port) = (tcp.Host, tcp.Port);
                break;
            case HttpProbeSpec http:
                doc.Url = http.Url;
                break;
            case FileProbeSpec file:
                (doc.Path, doc.MaxAgeSeconds) = (file.Path, file.MaxAgeSeconds);
                break;
            case CommandProbeSpec command:
                doc.Command = command.Command;
                break;
            case MemoryProbeSpec memory:
                (doc.DegradedBelow, doc.WarningBelow, doc.CriticalBelow) = (memory.Thresholds.Degraded, memory.Thresholds.Warning, memory.Thresholds.Critical);
                break;
            case DiskProbeSpec disk:
                doc.Path = disk.Path;
                (doc.DegradedBelow, doc.WarningBelow, doc.CriticalBelow) = (disk.Thresholds.Degraded, disk.Thresholds.Warning, disk.Thresholds.Critical);
                break;
            case LoadProbeSpec load:
                (doc.DegradedAbove, doc.WarningAbove, doc.CriticalAbove) = (load.Thresholds.Degraded, load.Thresholds.Warning, load.Thresholds.Critical);
                break;
        }
        return doc;
    }

    /// <summary>Writes next to the target, flushes to disk, then renames over it: a crash leaves the old file or the new one.</summary>
    public static void Write(string path, ConfigDocument document)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(ToJson(document)));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, full, overwrite: true);
    }

    public static void Write(string path, RollbackConfig config) => Write(path, ToDocument(config));
}
