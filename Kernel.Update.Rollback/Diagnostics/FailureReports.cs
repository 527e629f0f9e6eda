using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Diagnostics;

/// <summary>The store's failure reports: <c>reports/ID.json</c>, one per automatic or emergency rollback, replaced
/// atomically when the outcome is added. They are small and few (one per rollback), so they are kept.</summary>
public static class FailureReports
{
    /// <summary>Writes a new report durably and returns it with its id (time-ordered, unique).</summary>
    public static FailureReport Save(string storeRoot, FailureReport report)
    {
        var layout = new StoreLayout(storeRoot);
        DurableFile.EnsureDirectory(layout.Reports);
        if (report.Id.Length == 0)
            report.Id = $"{report.At.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{report.Trigger}-{Guid.NewGuid().ToString("N")[..8]}";
        Update(storeRoot, report);
        return report;
    }

    public static void Update(string storeRoot, FailureReport report) =>
        JsonStateFile.Write(PathOf(storeRoot, report.Id), report, DiagnosticsJsonContext.Default.FailureReport);

    public static string PathOf(string storeRoot, string id) => Path.Combine(new StoreLayout(storeRoot).Reports, id + ".json");

    /// <summary>Every report, oldest first; one that cannot be read is skipped (it is for people, not for the engine).</summary>
    public static List<FailureReport> All(string storeRoot)
    {
        var reports = new List<FailureReport>();
        string directory = new StoreLayout(storeRoot).Reports;
        if (!Directory.Exists(directory))
            return reports;
        var files = Directory.GetFiles(directory, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            try
            {
                if (JsonStateFile.Read(file, DiagnosticsJsonContext.Default.FailureReport) is { } report)
                    reports.Add(report);
            }
            catch (RollbackException)
            {
            }
        }
        return reports;
    }

    /// <summary>The reports of rollbacks that went to, or started from, a point.</summary>
    public static List<FailureReport> About(string storeRoot, string pointId) =>
        All(storeRoot).FindAll(r => r.TargetPointId == pointId || r.SafetyPointId == pointId);
}
