using System.Globalization;
using System.Numerics;
using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Health;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// The rules for a component's "health" list. Each broken rule is one problem naming the component, the probe's
/// index and the key ("component app health[1] (tcp) has port 70000, outside 1..65535").
/// </summary>
internal static class ProbeRules
{
    public const int MaxTimeoutSeconds = 3600;

    private static readonly string[] BelowKeys = ["degradedBelow", "warningBelow", "criticalBelow"];
    private static readonly string[] AboveKeys = ["degradedAbove", "warningAbove", "criticalAbove"];
    private static readonly string[] CommonKeys = ["type", "timeoutSeconds", "trigger"];
    private const string LevelKey = "level";

    // The keys each kind takes besides the common ones: the required ones, then the optional ones.
    private static readonly Dictionary<ProbeKind, (string[] Required, string[] Optional)> KindKeys = new()
    {
        [ProbeKind.Unit] = (["unit"], []),
        [ProbeKind.PidFile] = (["path"], []),
        [ProbeKind.Tcp] = (["host", "port"], []),
        [ProbeKind.Http] = (["url"], []),
        [ProbeKind.File] = (["path"], ["maxAgeSeconds"]),
        [ProbeKind.Command] = (["command"], []),
        [ProbeKind.Memory] = ([], BelowKeys),
        [ProbeKind.Disk] = (["path"], BelowKeys),
        [ProbeKind.Load] = ([], AboveKeys),
    };

    private static readonly string TypeNames = string.Join(", ", Enum.GetValues<ProbeKind>().Select(ProbeSpec.TypeNameOf));

    public static List<ProbeSpec> Read(List<ProbeDocument?>? docs, string label, List<string> problems)
    {
        var result = new List<ProbeSpec>();
        for (int i = 0; i < (docs?.Count ?? 0); i++)
        {
            if (Read(docs![i], $"{label} health[{i}]", problems) is { } spec)
                result.Add(spec);
        }
        return result;
    }

    private static ProbeSpec? Read(ProbeDocument? doc, string at, List<string> problems)
    {
        if (doc is null)
        {
            problems.Add($"{at} is null; expected an object with a \"type\" (one of: {TypeNames})");
            return null;
        }
        JsonProblems.Unknown(doc.Unknown, ConfigJsonContext.Default.ProbeDocument, at, problems);
        if (Kind(doc.Type, at, problems) is not { } kind)
            return null;
        at = $"{at} ({doc.Type})";
        int before = problems.Count;
        Keys(doc, kind, at, problems);

        int timeout = doc.TimeoutSeconds ?? ProbeSpec.DefaultTimeoutSeconds;
        if (timeout is < 1 or > MaxTimeoutSeconds)
            problems.Add($"{at} has timeoutSeconds {timeout}, outside 1..{MaxTimeoutSeconds}");
        var level = FailLevel(doc.Level, at, problems);
        var trigger = Trigger(doc.Trigger, at, problems);
        var spec = Build(doc, kind, at, problems);

        if (spec is null || problems.Count != before)
            return null;
        return spec with { TimeoutSeconds = timeout, FailLevel = level ?? HealthLevel.Critical, Trigger = trigger ?? spec.Trigger };
    }

    private static ProbeKind? Kind(string? type, string at, List<string> problems)
    {
        if (type is null)
        {
            problems.Add($"{at} has no type (one of: {TypeNames})");
            return null;
        }
        foreach (var kind in Enum.GetValues<ProbeKind>())
        {
            if (ProbeSpec.TypeNameOf(kind) == type)
                return kind;
        }
        problems.Add($"{at} has an unknown type '{type}' (one of: {TypeNames})");
        return null;
    }

    /// <summary>Every key a probe gives must belong to its kind, and every key its kind needs must be given.</summary>
    private static void Keys(ProbeDocument doc, ProbeKind kind, string at, List<string> problems)
    {
        var (required, optional) = KindKeys[kind];
        bool passFail = kind is not (ProbeKind.Memory or ProbeKind.Disk or ProbeKind.Load);
        var takes = new List<string>(required);
        takes.AddRange(optional);
        takes.AddRange(CommonKeys);
        if (passFail)
            takes.Add(LevelKey);

        var given = new List<string>();
        foreach (var property in ConfigJsonContext.Default.ProbeDocument.Properties)
        {
            if (!property.IsExtensionData && property.Get!(doc) is not null)
                given.Add(property.Name);
        }
        foreach (string key in given)
        {
            if (!takes.Contains(key))
                problems.Add($"{at}: '{key}' does not apply to a {doc.Type} probe (it takes: {string.Join(", ", takes)})");
        }
        foreach (string key in required)
        {
            if (!given.Contains(key))
                problems.Add($"{at} has no '{key}'");
        }
    }

    private static HealthLevel? FailLevel(string? value, string at, List<string> problems)
    {
        if (value is null)
            return null;
        foreach (var level in (ReadOnlySpan<HealthLevel>)[HealthLevel.Degraded, HealthLevel.Warning, HealthLevel.Critical])
        {
            if (level.ToString() == value)
                return level;
        }
        problems.Add($"{at} has level '{value}'; the level a failing probe reports is one of: Degraded, Warning, Critical");
        return null;
    }

    private static TriggerKind? Trigger(string? value, string at, List<string> problems)
    {
        if (value is null)
            return null;
        // Enum.TryParse also takes numbers and comma lists; the format only has the names.
        foreach (var trigger in Enum.GetValues<TriggerKind>())
        {
            if (trigger.ToString() == value)
                return trigger;
        }
        problems.Add($"{at} has an unknown trigger '{value}' (one of: {string.Join(", ", Enum.GetNames<TriggerKind>())})");
        return null;
    }

    /// <summary>The typed spec with the kind's own keys checked; null when a required key is missing or one is bad.</summary>
    private static ProbeSpec? Build(ProbeDocument doc, ProbeKind kind, string at, List<string> problems)
    {
        switch (kind)
        {
            case ProbeKind.Unit:
                if (doc.Unit is null)
                    return null;
                if (ComponentRules.IsUnitName(doc.Unit))
                    return new UnitProbeSpec(doc.Unit);
                problems.Add($"{at} has an invalid systemd unit name '{doc.Unit}'");
                return null;
            case ProbeKind.PidFile:
                return ProbePath(doc.Path, at, problems) is { } pidFile ? new PidFileProbeSpec(pidFile) : null;
            case ProbeKind.Tcp:
                return Endpoint(doc.Host, doc.Port, at, problems);
            case ProbeKind.Http:
                return Url(doc.Url, at, problems);
            case ProbeKind.File:
                if (doc.MaxAgeSeconds is < 1)
                    problems.Add($"{at} has maxAgeSeconds {doc.MaxAgeSeconds}; it must be at least 1");
                return ProbePath(doc.Path, at, problems) is { } file ? new FileProbeSpec(file, doc.MaxAgeSeconds) : null;
            case ProbeKind.Command:
                if (doc.Command is null)
                    return null;
                if (!string.IsNullOrWhiteSpace(doc.Command))
                    return new CommandProbeSpec(doc.Command);
                problems.Add($"{at} has an empty command");
                return null;
            case ProbeKind.Memory:
                return ReadThresholds(doc.DegradedBelow, doc.WarningBelow, doc.CriticalBelow, BelowKeys, below: true, at, problems) is { } memory
                    ? new MemoryProbeSpec(memory) : null;
            case ProbeKind.Disk:
                var disk = ReadThresholds(doc.DegradedBelow, doc.WarningBelow, doc.CriticalBelow, BelowKeys, below: true, at, problems);
                return ProbePath(doc.Path, at, problems) is { } path && disk is not null ? new DiskProbeSpec(path, disk) : null;
            default:
                return ReadThresholds(doc.DegradedAbove, doc.WarningAbove, doc.CriticalAbove, AboveKeys, below: false, at, problems) is { } load
                    ? new LoadProbeSpec(load) : null;
        }
    }

    /// <summary>Absolute, or relative to the device root like a relative block path (and, like it, not climbing out).</summary>
    private static string? ProbePath(string? raw, string at, List<string> problems)
    {
        if (raw is null)
            return null;
        if (raw.Length == 0 || raw.Contains('\0'))
        {
            problems.Add($"{at} has a path that is {(raw.Length == 0 ? "empty" : "not a valid path")}");
            return null;
        }
        if (raw[0] == '/')
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(raw));
        if (ComponentPath.TryNormalize(raw, out string relative, out string? why))
            return relative;
        problems.Add($"{at} has path '{raw}' that {why}");
        return null;
    }

    private static TcpProbeSpec? Endpoint(string? host, int? port, string at, List<string> problems)
    {
        bool ok = true;
        if (host is not null && Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            problems.Add($"{at} has host '{host}' that is not a host name or IP address");
            ok = false;
        }
        if (port is < 1 or > 65535)
        {
            problems.Add($"{at} has port {port}, outside 1..65535");
            ok = false;
        }
        return ok && host is not null && port is not null ? new TcpProbeSpec(host, port.Value) : null;
    }

    private static HttpProbeSpec? Url(string? url, string at, List<string> problems)
    {
        if (url is null)
            return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            problems.Add($"{at} has url '{url}' that is not an absolute URL like http://127.0.0.1:8080/health");
        else if (uri.Scheme == Uri.UriSchemeHttps)
            problems.Add($"{at} has an https:// url '{url}': the http probe speaks plain HTTP only (no TLS in the binary); " +
                "use a command probe with curl instead, e.g. {\"type\": \"command\", \"command\": \"curl -fsS -o /dev/null " + url + "\"}");
        else if (uri.Scheme != Uri.UriSchemeHttp)
            problems.Add($"{at} has url '{url}' with scheme '{uri.Scheme}'; only http:// URLs can be probed");
        else
            return new HttpProbeSpec(url);
        return null;
    }

    /// <summary>
    /// Thresholds as given: none negative, at least one, and in order — the worse level on the worse side (for
    /// "below", critical lowest; for "above", critical highest). Equal thresholds are fine: the worse level wins.
    /// </summary>
    private static Thresholds<T>? ReadThresholds<T>(T? degraded, T? warning, T? critical, string[] keys, bool below, string at, List<string> problems)
        where T : struct, INumber<T>
    {
        T?[] values = [degraded, warning, critical];
        int before = problems.Count;
        int milder = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } value)
                continue;
            if (T.IsNegative(value) || !T.IsFinite(value))
            {
                problems.Add($"{at} has {keys[i]} {Format(value)}; a threshold must be a number of at least 0");
                continue;
            }
            if (milder >= 0 && (below ? value > values[milder]!.Value : value < values[milder]!.Value))
            {
                problems.Add($"{at} has {keys[i]} {Format(value)} {(below ? "above" : "below")} {keys[milder]} {Format(values[milder]!.Value)}; " +
                    $"the worse level needs the {(below ? "lower" : "higher")} threshold");
            }
            milder = i;
        }
        if (degraded is null && warning is null && critical is null)
            problems.Add($"{at} has no threshold; give one or more of {string.Join(", ", keys)}");
        return problems.Count == before ? new Thresholds<T>(degraded, warning, critical) : null;

        static string Format(T value) => value.ToString(null, CultureInfo.InvariantCulture);
    }
}
