using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback;

// 8xx: the local control API, its socket, connections and subscribers (the ledger is in Log.cs).
internal static partial class Log
{
    [LoggerMessage(801, LogLevel.Information, "Control API listening on {Socket} (mode {Mode}{Group})")]
    public static partial void ApiListening(ILogger logger, string socket, string mode, string group);

    [LoggerMessage(802, LogLevel.Information, "Control socket {Socket} was left by a server that is gone; replacing it")]
    public static partial void ApiStaleSocketReplaced(ILogger logger, string socket);

    [LoggerMessage(803, LogLevel.Warning, "Control API: refused pid {Pid} uid {Uid} gid {Gid}: {Reason}")]
    public static partial void ApiPeerRefused(ILogger logger, int pid, uint uid, uint gid, string reason);

    [LoggerMessage(804, LogLevel.Debug, "Control API: connection from pid {Pid} uid {Uid}")]
    public static partial void ApiPeerAccepted(ILogger logger, int pid, uint uid);

    [LoggerMessage(805, LogLevel.Warning, "Control API: dropped subscriber pid {Pid} uid {Uid}: its {Queued} queued lines are not being read")]
    public static partial void ApiSubscriberDropped(ILogger logger, int pid, uint uid, int queued);

    [LoggerMessage(806, LogLevel.Warning, "Control API: pid {Pid} uid {Uid} sent a line over {Limit} bytes; connection closed")]
    public static partial void ApiLineTooLong(ILogger logger, int pid, uint uid, int limit);

    [LoggerMessage(EventId = 807, Message = "Control API: pid {Pid} uid {Uid} asks for {Op}")]
    public static partial void ApiRequest(ILogger logger, LogLevel level, int pid, uint uid, string op);

    [LoggerMessage(808, LogLevel.Warning, "Control API: {Op} for pid {Pid} uid {Uid} failed ({Kind}): {Message}")]
    public static partial void ApiRequestFailed(ILogger logger, string op, int pid, uint uid, string kind, string message);

    [LoggerMessage(809, LogLevel.Error, "Control API: {Op} for pid {Pid} uid {Uid} failed unexpectedly")]
    public static partial void ApiRequestCrashed(ILogger logger, Exception error, string op, int pid, uint uid);

    [LoggerMessage(810, LogLevel.Information, "Control API stopped; {Socket} removed")]
    public static partial void ApiStopped(ILogger logger, string socket);

    [LoggerMessage(811, LogLevel.Debug, "Control API: connection of pid {Pid} uid {Uid} ended: {Reason}")]
    public static partial void ApiConnectionEnded(ILogger logger, int pid, uint uid, string reason);

    [LoggerMessage(812, LogLevel.Error, "Control API: accepting a connection on {Socket} failed: {Error}")]
    public static partial void ApiAcceptFailed(ILogger logger, string socket, string error);
}
