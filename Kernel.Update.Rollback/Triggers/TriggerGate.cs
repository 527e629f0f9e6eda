using System.Text.Json.Serialization;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Triggers;

/// <summary>
/// The automatic-rollback policy's brakes: whether a trigger may start a rollback now. Never while another
/// operation runs (or waits to be recovered); never a kind the policy leaves out; not within the cooldown after
/// the last one; at most <c>autoRollback.maxPerBoot</c> per boot, so a device whose last-known-good is broken too
/// cannot roll back forever. The count is made durable before the rollback starts, so one cut off by a power
/// failure still counts.
/// </summary>
public sealed class TriggerGate(RollbackConfig config, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _now = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>Null when the trigger may roll back; otherwise why not, in a sentence.</summary>
    public string? WhyNot(TriggerEvent trigger)
    {
        var policy = config.AutoRollback;
        if (!policy.Enabled)
            return "automatic rollback is disabled (autoRollback.enabled)";
        if (!policy.Triggers.Contains(trigger.Kind))
            return $"{trigger.Kind} is not among autoRollback.triggers";
        var layout = new StoreLayout(config.Store);
        if (!File.Exists(layout.Catalog))
            return "there is no store, so no recovery point to roll back to";
        if (File.Exists(new JournalLayout(config.Store).Current))
            return "an operation is in progress or waits for 'rollbackctl recover'";
        using (var probe = StoreLock.TryAcquire(layout, out string? holder))
            if (probe is null)
                return $"another operation holds the store ({holder})";
        var state = Read(layout);
        string boot = Boot.BootId.Current(config.Boot);
        if (state.BootId == boot && state.RollbacksThisBoot >= policy.MaxPerBoot)
            return $"{state.RollbacksThisBoot} automatic rollback{(state.RollbacksThisBoot == 1 ? "" : "s")} in this boot already (autoRollback.maxPerBoot {policy.MaxPerBoot})";
        if (state.Last is { } last && _now() < last + policy.Cooldown)
            return $"cooling down until {(last + policy.Cooldown):u} (autoRollback.cooldownSeconds {policy.CooldownSeconds})";
        return null;
    }

    /// <summary>Counts an automatic rollback about to start, durably.</summary>
    public void Record()
    {
        var layout = new StoreLayout(config.Store);
        var state = Read(layout);
        string boot = Boot.BootId.Current(config.Boot);
        if (state.BootId != boot)
            state = new TriggerState { BootId = boot };
        state.RollbacksThisBoot++;
        state.Last = _now();
        JsonStateFile.Write(layout.TriggerState, state, TriggerJsonContext.Default.TriggerState);
    }

    /// <summary>A damaged state file counts as the cap reached: refusing one rollback is safer than looping.</summary>
    private TriggerState Read(StoreLayout layout)
    {
        try
        {
            return JsonStateFile.Read(layout.TriggerState, TriggerJsonContext.Default.TriggerState) ?? new TriggerState();
        }
        catch (RollbackException)
        {
            return new TriggerState { BootId = Boot.BootId.Current(config.Boot), RollbacksThisBoot = int.MaxValue / 2, Last = _now() };
        }
    }
}

/// <summary>Automatic rollbacks of the current boot, and when the last one started (<c>trigger-state.json</c>).</summary>
public sealed class TriggerState
{
    public string? BootId { get; set; }
    public int RollbacksThisBoot { get; set; }
    public DateTimeOffset? Last { get; set; }
}

// Source-generated: rollbackctl is published with NativeAOT.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(TriggerState))]
internal sealed partial class TriggerJsonContext : JsonSerializerContext;
