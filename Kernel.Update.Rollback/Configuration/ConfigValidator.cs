using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// Checks a parsed document against every rule, collecting all problems before refusing, and builds the
/// immutable <see cref="RollbackConfig"/> when there are none. The device root need not exist: the demo
/// and first-boot provisioning create it after writing the config.
/// </summary>
internal static class ConfigValidator
{
    public static RollbackConfig Validate(ConfigDocument? doc, string sourcePath)
    {
        var problems = new List<string>();
        if (doc is null)
            throw new ConfigException(sourcePath, ["the file holds null; expected an object with \"root\", \"store\" and \"components\""]);

        JsonProblems.Unknown(doc.Unknown, ConfigJsonContext.Default.ConfigDocument, "top level", problems);
        JsonProblems.Unknown(doc.Retention?.Unknown, ConfigJsonContext.Default.RetentionDocument, "retention", problems);
        JsonProblems.Unknown(doc.Chunking?.Unknown, ConfigJsonContext.Default.ChunkingDocument, "chunking", problems);
        JsonProblems.Unknown(doc.Compression?.Unknown, ConfigJsonContext.Default.CompressionDocument, "compression", problems);
        JsonProblems.Unknown(doc.Boot?.Unknown, ConfigJsonContext.Default.BootDocument, "boot", problems);
        JsonProblems.Unknown(doc.Monitor?.Unknown, ConfigJsonContext.Default.MonitorDocument, "monitor", problems);
        JsonProblems.Unknown(doc.AutoRollback?.Unknown, ConfigJsonContext.Default.AutoRollbackDocument, "autoRollback", problems);

        string baseDirectory = Path.GetDirectoryName(sourcePath) is { Length: > 0 } dir ? dir : Environment.CurrentDirectory;
        string root = SettingsRules.Directory(doc.Root, RollbackConfig.DefaultRoot, "root", baseDirectory, problems);
        string store = SettingsRules.Directory(doc.Store, RollbackConfig.DefaultStore, "store", baseDirectory, problems);
        var retention = SettingsRules.Retention(doc.Retention, problems);
        var chunking = SettingsRules.Chunking(doc.Chunking, problems);
        var compression = SettingsRules.Compression(doc.Compression, problems);
        var boot = SettingsRules.Boot(doc.Boot, problems);
        var monitor = SettingsRules.Monitor(doc.Monitor, problems);
        var autoRollback = SettingsRules.AutoRollback(doc.AutoRollback, problems);
        long reserve = SettingsRules.ReserveBytes(doc.ReserveBytes, problems);

        var drafts = new List<ComponentDraft>();
        if (doc.Components is not { Count: > 0 })
            problems.Add("there are no components; list at least one under \"components\"");
        for (int i = 0; i < (doc.Components?.Count ?? 0); i++)
            drafts.Add(ComponentRules.Read(doc.Components![i], i, root, problems));
        ComponentSetRules.Check(drafts, store, problems);
        foreach (string name in autoRollback.PriorityComponents)
            if (!drafts.Any(d => d.Component?.Name == name))
                problems.Add($"autoRollback.priorityComponents names '{name}', which is not a component");

        if (problems.Count > 0)
            throw new ConfigException(sourcePath, problems);
        var graph = new ComponentGraph(drafts.Select(d => d.Component!));
        return new RollbackConfig(sourcePath, root, store, graph, retention, chunking, compression, reserve, boot, monitor, autoRollback);
    }
}
