using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Health;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Services;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Triggers;
using Kernel.Update.Rollback.Updates;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Boot;

/// <summary>
/// Boot counting while an update is pending. <c>boot-check</c> runs early in every boot; it judges the boot
/// before: one that shut down cleanly (<see cref="RecordCleanShutdown"/>, run by a unit at shutdown) was a
/// deliberate reboot, any other ended badly (crash, hang, watchdog, power cut) and counts as one failed boot —
/// once, however often boot-check runs, because boots are told apart by the kernel's boot id. After
/// <c>boot.maxAttempts</c> failed boots the update's components go back to the last-known-good point, the
/// pending update ends, and the reboot command runs. With no update pending nothing counts, so a device
/// that has rolled back cannot loop. The counter is replaced atomically and fsynced at each change.
/// </summary>
public sealed class BootProtection(RollbackConfig config, ILogger logger)
{
    public async Task<BootCheckResult> CheckAsync(CancellationToken cancellation = default)
    {
        string boot = BootId.Current(config.Boot);
        var layout = new StoreLayout(config.Store);
        int max = config.Boot.MaxAttempts;
        if (!File.Exists(layout.Catalog))
            return new BootCheckResult(BootVerdict.NothingPending, boot, null, 0, max, null, null, null);
        var system = new RollbackSystem(config, logger);
        // A power cut during a rollback: finish it before anything else reads the device.
        var recovered = await system.RecoverAsync(cancellation);

        BootState state;
        BootVerdict verdict;
        using (StoreLock.Acquire(layout))
        {
            var pending = RecoveryStore.Open(config.Store).Catalog.PendingUpdatePointId;
            if (pending is null)
                return new BootCheckResult(BootVerdict.NothingPending, boot, null, 0, max, recovered, null, null);
            state = Read(layout, pending);
            if (state.CurrentBoot == boot)
                verdict = BootVerdict.AlreadyCounted;
            else
            {
                if (state.CurrentBoot is not null && !state.CurrentBootClean)
                    state.FailedBoots++;
                state.CurrentBoot = boot;
                state.CurrentBootClean = false;
                JsonStateFile.Write(layout.BootState, state, BootJsonContext.Default.BootState);
                verdict = BootVerdict.Counted;
            }
        }
        if (state.FailedBoots < max)
        {
            Log.BootCounted(logger, boot, state.UpdatePointId, state.FailedBoots, max);
            return new BootCheckResult(verdict, boot, state.UpdatePointId, state.FailedBoots, max, recovered, null, null);
        }

        Log.BootFailed(logger, boot, state.UpdatePointId, state.FailedBoots);
        var update = RecoveryStore.Open(config.Store).GetPoint(state.UpdatePointId);
        var trigger = new TriggerEvent(TriggerKind.BootFailure,
            $"{state.FailedBoots} boots under the update of recovery point {update.Id} ended without a clean shutdown or 'mark-good' (boot.maxAttempts {max})",
            [.. update.Components.Select(c => c.Name)]);
        var rollback = await new TriggeredRollback(config, logger, system).RunAsync(trigger, TargetRule.LastKnownGoodFirst, "boot-check", cancellation);
        if (!rollback.Completed)
            return new BootCheckResult(BootVerdict.RollbackFailed, boot, update.Id, state.FailedBoots, max, recovered, rollback, null);
        // Whatever the last-known-good held, the update is over: boots no longer count, so this cannot loop.
        PendingUpdate.Abandon(config.Store, update.Id);
        string? rebootError = await RebootAsync(cancellation);
        return new BootCheckResult(BootVerdict.RolledBack, boot, update.Id, state.FailedBoots, max, recovered, rollback, rebootError);
    }

    /// <summary>Records that this boot is shutting down cleanly (a deliberate reboot is not a failed boot). Returns
    /// whether there was a pending update to record it for.</summary>
    public bool RecordCleanShutdown()
    {
        var layout = new StoreLayout(config.Store);
        if (!File.Exists(layout.Catalog))
            return false;
        string boot = BootId.Current(config.Boot);
        using var storeLock = StoreLock.Acquire(layout);
        var pending = RecoveryStore.Open(config.Store).Catalog.PendingUpdatePointId;
        if (pending is null)
            return false;
        var state = Read(layout, pending);
        if (state.CurrentBoot != boot)
        {
            // boot-check did not run in this boot (or ran before the update began): this boot is the one to judge.
            if (state.CurrentBoot is not null && !state.CurrentBootClean)
                state.FailedBoots++;
            state.CurrentBoot = boot;
        }
        state.CurrentBootClean = true;
        JsonStateFile.Write(layout.BootState, state, BootJsonContext.Default.BootState);
        return true;
    }

    /// <summary>Starts the count of a new pending update in the boot that applies it.</summary>
    internal static void Begin(RollbackConfig config, string updatePointId)
    {
        var state = new BootState { UpdatePointId = updatePointId, CurrentBoot = BootId.Current(config.Boot) };
        JsonStateFile.Write(new StoreLayout(config.Store).BootState, state, BootJsonContext.Default.BootState);
    }

    /// <summary>The counter of the pending update; a fresh one if the file is missing or about another update. A damaged
    /// file (only the medium can do that: it is replaced atomically) restarts with one failed boot, since the damage
    /// itself says a boot ended badly, and the count still ends within maxAttempts boots.</summary>
    private BootState Read(StoreLayout layout, string pending)
    {
        BootState? state;
        try
        {
            state = JsonStateFile.Read(layout.BootState, BootJsonContext.Default.BootState);
        }
        catch (RollbackException e)
        {
            Log.BootStateDamaged(logger, layout.BootState, e.Message);
            return new BootState { UpdatePointId = pending, FailedBoots = 1 };
        }
        return state is not null && state.UpdatePointId == pending ? state : new BootState { UpdatePointId = pending };
    }

    private async Task<string?> RebootAsync(CancellationToken cancellation)
    {
        int? exit = await ForegroundCommand.RunShellAsync(config.Boot.RebootCommand, TimeSpan.FromMinutes(1), cancellation);
        return exit switch
        {
            0 => null,
            null => $"the reboot command '{config.Boot.RebootCommand}' did not finish within a minute",
            _ => $"the reboot command '{config.Boot.RebootCommand}' exited {exit}",
        };
    }
}
