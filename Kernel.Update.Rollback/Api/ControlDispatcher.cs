using System.Text.Json;
using Kernel.Update.Rollback.Errors;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Api;

/// <summary>Turns a parsed request into its response: checks the op, answers "subscribe", passes the rest to the
/// handler, and maps every failure to a typed error (the server never answers with a stack trace).</summary>
internal sealed class ControlDispatcher(IControlHandler handler, ILogger logger)
{
    private static readonly IReadOnlyList<string> EventKinds = [ControlEvent.ProgressKind, ControlEvent.RollbackKind, ControlEvent.HealthKind];

    public async Task<ControlResponse> DispatchAsync(ControlRequest request, ControlPeer peer, CancellationToken stopping)
    {
        string? op = request.Op;
        if (string.IsNullOrEmpty(op))
            return ControlResponse.Failure(request.Id, RollbackErrorKind.InvalidInput, $"the request has no \"op\" (one of: {string.Join(", ", ControlOps.All)})");
        if (!ControlOps.All.Contains(op))
            return ControlResponse.Failure(request.Id, RollbackErrorKind.InvalidInput, $"unknown op '{op}' (one of: {string.Join(", ", ControlOps.All)})");
        bool changesSomething = op is ControlOps.Snapshot or ControlOps.Rollback;
        Log.ApiRequest(logger, changesSomething ? LogLevel.Information : LogLevel.Debug, peer.Pid, peer.Uid, op);
        if (op == ControlOps.Subscribe)
            return ControlResponse.Success(request.Id, JsonSerializer.SerializeToNode(new SubscribeResult(EventKinds), ControlJsonContext.Default.SubscribeResult));
        try
        {
            return ControlResponse.Success(request.Id, await handler.HandleAsync(request, peer, stopping));
        }
        catch (RollbackException e)
        {
            Log.ApiRequestFailed(logger, op, peer.Pid, peer.Uid, e.Kind.ToString(), e.Message);
            return ControlResponse.Failure(request.Id, e.Kind, e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return ControlResponse.Failure(request.Id, RollbackErrorKind.Failed, $"{op} was cancelled: the monitor is stopping");
        }
        catch (Exception e)
        {
            Log.ApiRequestCrashed(logger, e, op, peer.Pid, peer.Uid);
            return ControlResponse.Failure(request.Id, RollbackErrorKind.Failed, $"{op} failed: {e.Message}");
        }
    }
}
