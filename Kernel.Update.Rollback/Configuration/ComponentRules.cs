using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>The rules for one entry of "components", each broken rule one problem naming the component.</summary>
internal static class ComponentRules
{
    public const int MaxServiceTimeoutSeconds = 3600;

    public static ComponentDraft Read(ComponentDocument? doc, int index, string root, List<string> problems)
    {
        string at = $"components[{index}]";
        if (doc is null)
        {
            problems.Add($"{at} is null; expected an object with a name, a category and a path or block");
            return new ComponentDraft(index, at, null, [], null, null, null);
        }
        int before = problems.Count;
        string? name = Name(doc.Name, at, problems);
        string label = name is null ? at : $"component {name}";
        JsonProblems.Unknown(doc.Unknown, ConfigJsonContext.Default.ComponentDocument, label, problems);

        var category = Category(doc.Category, label, problems);
        var (location, absolute) = Location(doc, label, root, problems);
        var dependsOn = DependsOn(doc.DependsOn, name, label, problems);
        var services = Services(doc.Services, label, problems);
        var probes = ProbeRules.Read(doc.Health, label, problems);

        Component? component = null;
        if (problems.Count == before)
        {
            component = new Component(name!, category!.Value, doc.Path is null ? null : location, doc.Path is null ? location : null,
                dependsOn, services, doc.Critical ?? false, probes);
        }
        return new ComponentDraft(index, label, name, dependsOn, location, absolute, component);
    }

    private static string? Name(string? name, string at, List<string> problems)
    {
        if (name is null)
        {
            problems.Add($"{at} has no name");
            return null;
        }
        if (!ComponentName.IsValid(name))
        {
            problems.Add($"{at} has an invalid name '{name}': use {ComponentName.Rule}");
            return null;
        }
        return name;
    }

    private static ComponentCategory? Category(string? value, string label, List<string> problems)
    {
        string valid = string.Join(", ", Enum.GetNames<ComponentCategory>());
        if (value is null)
        {
            problems.Add($"{label} has no category (one of: {valid})");
            return null;
        }
        // Enum.TryParse also takes numbers and comma lists; the format only has the names.
        foreach (var category in Enum.GetValues<ComponentCategory>())
        {
            if (category.ToString() == value)
                return category;
        }
        problems.Add($"{label} has an unknown category '{value}' (one of: {valid})");
        return null;
    }

    private static (string? Location, string? Absolute) Location(ComponentDocument doc, string label, string root, List<string> problems)
    {
        if (doc.Path is not null && doc.Block is not null)
        {
            problems.Add($"{label} has both a path and a block; give one");
            return (null, null);
        }
        if (doc.Path is null && doc.Block is null)
        {
            problems.Add($"{label} has neither a path nor a block; give one");
            return (null, null);
        }
        if (doc.Path is not null)
        {
            if (!ComponentPath.TryNormalize(doc.Path, out string path, out string? why))
            {
                problems.Add($"{label} has path '{doc.Path}' that {why}");
                return (null, null);
            }
            return (path, path == ComponentPath.RootItself ? root : Path.Join(root, path));
        }

        string block = doc.Block!;
        if (block.Length == 0 || block.Contains('\0'))
        {
            problems.Add($"{label} has a block that is {(block.Length == 0 ? "empty" : "not a valid path")}");
            return (null, null);
        }
        if (block[0] == '/')
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(block));
            return full == "/" ? Refuse("is the file-system root") : (full, full);
        }
        // A relative block is an image file under the root: the same containment rules as a tree.
        if (!ComponentPath.TryNormalize(block, out string relative, out string? problem))
            return Refuse(problem!);
        if (relative == ComponentPath.RootItself)
            return Refuse("names the root directory, not a device or image file");
        return (relative, Path.Join(root, relative));

        (string?, string?) Refuse(string why)
        {
            problems.Add($"{label} has block '{block}' that {why}");
            return (null, null);
        }
    }

    private static List<string> DependsOn(List<string?>? names, string? self, string label, List<string> problems)
    {
        var result = new List<string>();
        foreach (string? name in names ?? [])
        {
            if (string.IsNullOrEmpty(name))
                problems.Add($"{label} has an empty name in dependsOn");
            else if (name == self)
                problems.Add($"{label} depends on itself");
            else if (!result.Contains(name))
                result.Add(name);
        }
        return result;
    }

    private static List<ServiceSpec> Services(List<ServiceDocument?>? docs, string label, List<string> problems)
    {
        var result = new List<ServiceSpec>();
        for (int i = 0; i < (docs?.Count ?? 0); i++)
        {
            var doc = docs![i];
            string at = $"{label} services[{i}]";
            if (doc is null)
            {
                problems.Add($"{at} is null; expected {{\"unit\": ...}} or {{\"start\": ..., \"stop\": ...}}");
                continue;
            }
            JsonProblems.Unknown(doc.Unknown, ConfigJsonContext.Default.ServiceDocument, at, problems);
            int timeout = doc.TimeoutSeconds ?? ServiceSpec.DefaultTimeoutSeconds;
            bool ok = true;
            if (timeout is < 1 or > MaxServiceTimeoutSeconds)
            {
                problems.Add($"{at} has timeoutSeconds {timeout}, outside 1..{MaxServiceTimeoutSeconds}");
                ok = false;
            }
            bool commands = !string.IsNullOrWhiteSpace(doc.Start) || !string.IsNullOrWhiteSpace(doc.Stop);
            if (doc.Unit is not null && commands)
                problems.Add($"{at} has both a unit and start/stop commands; give one");
            else if (doc.Unit is null && !commands)
                problems.Add($"{at} has neither a unit nor start/stop commands");
            else if (doc.Unit is not null && !IsUnitName(doc.Unit))
                problems.Add($"{at} has an invalid systemd unit name '{doc.Unit}'");
            else if (ok)
                result.Add(doc.Unit is not null ? ServiceSpec.ForUnit(doc.Unit, timeout) : ServiceSpec.ForCommands(doc.Start, doc.Stop, timeout));
        }
        return result;
    }

    // systemd unit names: no path separators or whitespace, and a type suffix ("demo.service").
    public static bool IsUnitName(string unit) =>
        unit.Length > 0 && unit.Contains('.') && !unit.Any(c => c == '/' || char.IsWhiteSpace(c) || char.IsControl(c));
}
