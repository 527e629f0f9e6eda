using Kernel.Update.Rollback.Durability;
using System.Diagnostics;
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
            ConfirmAfterSeconds = config.Monitor.ConfirmAfterSeconds,
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
        var doc = probe switch
        {
            UnitProbeSpec unit => new ProbeDocument { Unit = unit.Unit },
            PidFileProbeSpec pidFile => new ProbeDocument { Path = pidFile.Path },
            TcpProbeSpec tcp => new ProbeDocument { Host = tcp.Host, Port = tcp.Port },
            HttpProbeSpec http => new ProbeDocument { Url = http.Url },
            FileProbeSpec file => new ProbeDocument { Path = file.Path, MaxAgeSeconds = file.MaxAgeSeconds },
            CommandProbeSpec command => new ProbeDocument { Command = command.Command },
            MemoryProbeSpec memory => Below(new ProbeDocument(), memory.Thresholds),
            DiskProbeSpec disk => Below(new ProbeDocument { Path = disk.Path }, disk.Thresholds),
            LoadProbeSpec load => new ProbeDocument
            {
                DegradedAbove = load.Thresholds.Degraded, WarningAbove = load.Thresholds.Warning, CriticalAbove = load.Thresholds.Critical,
            },
            _ => throw new UnreachableException($"no config form for probe kind {probe.Kind}"),
        };
        doc.Type = probe.TypeName;
        doc.TimeoutSeconds = probe.TimeoutSeconds;
        doc.Level = probe.IsThreshold ? null : probe.FailLevel.ToString();
        doc.Trigger = probe.Trigger.ToString();
        return doc;

        static ProbeDocument Below(ProbeDocument doc, Thresholds<long> below)
        {
            (doc.DegradedBelow, doc.WarningBelow, doc.CriticalBelow) = (below.Degraded, below.Warning, below.Critical);
            return doc;
        }
    }

    /// <summary>Replaces the file atomically and durably (<see cref="DurableFile.WriteAtomic"/>): a crash leaves the
    /// old file or the new one, and once this returns the new one survives a power cut (its directory is synced too).</summary>
    public static void Write(string path, ConfigDocument document) =>
        DurableFile.WriteAtomic(Path.GetFullPath(path), System.Text.Encoding.UTF8.GetBytes(ToJson(document)));

    public static void Write(string path, RollbackConfig config) => Write(path, ToDocument(config));
}
