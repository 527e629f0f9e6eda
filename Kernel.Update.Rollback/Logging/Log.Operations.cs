using Kernel.Update.Rollback.Operations;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback;

// 6xx: rollback operations, their journal and phase machine (the ledger is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(601, LogLevel.Warning, "Journal {Path}: dropped its torn last line {Line} (an append cut short by a crash)")]
    public static partial void JournalTornLineDropped(ILogger logger, string path, int line);

    [LoggerMessage(602, LogLevel.Information, "Rollback {OperationId} had finished ({Result}) before it was interrupted; its journal is archived now")]
    public static partial void JournalArchivedLate(ILogger logger, string operationId, RollbackPhase result);

    [LoggerMessage(603, LogLevel.Information, "Rollback {OperationId}: phase {Phase}")]
    public static partial void PhaseEntered(ILogger logger, string operationId, RollbackPhase phase);

    [LoggerMessage(604, LogLevel.Warning, "Rollback {OperationId} was interrupted in phase {Phase}: resuming it there")]
    public static partial void OperationResumed(ILogger logger, string operationId, RollbackPhase phase);

    [LoggerMessage(605, LogLevel.Warning, "Rollback {OperationId}: phase {Phase} failed: {Error}")]
    public static partial void PhaseFaulted(ILogger logger, string operationId, RollbackPhase phase, string error);

    [LoggerMessage(606, LogLevel.Information, "Rollback {OperationId}: cancelled in phase {Phase}")]
    public static partial void CancelRequested(ILogger logger, string operationId, RollbackPhase phase);

    [LoggerMessage(607, LogLevel.Information, "Rollback {OperationId} finished: {Result}")]
    public static partial void OperationFinished(ILogger logger, string operationId, RollbackPhase result);

    [LoggerMessage(608, LogLevel.Error, "Rollback {OperationId}: phase {Phase} failed and must be finished before anything else; the journal stays for 'rollbackctl recover': {Error}")]
    public static partial void PhaseMustFinish(ILogger logger, string operationId, RollbackPhase phase, string error);

    [LoggerMessage(609, LogLevel.Information, "Rollback {OperationId}: {Action} service {Service} of component {Component}")]
    public static partial void ServiceAction(ILogger logger, string operationId, string action, string component, string service);

    [LoggerMessage(610, LogLevel.Warning, "Rollback {OperationId}: while reverting, could not {Action} service {Service} of component {Component}: {Error}")]
    public static partial void RevertServiceFailed(ILogger logger, string operationId, string action, string component, string service, string error);
}
