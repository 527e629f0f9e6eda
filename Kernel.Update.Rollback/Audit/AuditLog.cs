using Kernel.Update.Rollback.Durability;
using System.Text;
using System.Text.Json;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Audit;

/// <summary>
/// <c>&lt;store&gt;/audit.jsonl</c>: every snapshot, rollback and prune, one JSON object per line, appended with
/// O_APPEND and fdatasync'd. For people and fleet tooling, not for recovery (the journal is): a failure to write
/// it is logged and does not fail the operation it describes.
/// </summary>
public static class AuditLog
{
    public static string PathOf(string storeRoot) => System.IO.Path.Combine(new StoreLayout(storeRoot).Root, "audit.jsonl");

    /// <summary>The actor of an operation started from this process: the user name and uid.</summary>
    public static string CurrentActor => $"{Environment.UserName} (uid {Posix.GetEffectiveUid()})";

    /// <summary>Runs <paramref name="operation"/> and appends its record, success or failure.</summary>
    public static T Record<T>(string storeRoot, string operation, string? scope, IReadOnlyList<string> components, string? actor,
        ILogger logger, Func<T> run, Func<T, string?> idOf)
    {
        var start = DateTimeOffset.UtcNow;
        try
        {
            var result = run();
            Append(storeRoot, new AuditRecord(operation, idOf(result), scope, components, actor ?? CurrentActor, start, DateTimeOffset.UtcNow, "ok", null), logger);
            return result;
        }
        catch (Exception e)
        {
            Append(storeRoot, new AuditRecord(operation, null, scope, components, actor ?? CurrentActor, start, DateTimeOffset.UtcNow, "failed", e.Message), logger);
            throw;
        }
    }

    public static void Append(string storeRoot, AuditRecord record, ILogger logger)
    {
        string path = PathOf(storeRoot);
        try
        {
            if (!Directory.Exists(System.IO.Path.GetDirectoryName(path)))
                return; // no store yet (refused before it was made): nothing to attach the record to
            byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, AuditJsonContext.Default.AuditRecord) + "\n");
            using var file = Posix.Open(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append | OpenFlags.NoFollow, 0b110_000_000);
            DiskSteps.Write(file, line, 0); // O_APPEND: the kernel puts it at the end, in one write
            DiskSteps.FDataSync(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.AuditNotWritten(logger, path, e.Message);
        }
    }
}
