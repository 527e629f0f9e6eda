using System.Text.Json.Nodes;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// Serves the ops of the control protocol other than "subscribe" (which the server keeps: it is about the connection).
/// Called concurrently for requests on different connections.
/// </summary>
public interface IControlHandler
{
    /// <summary>The op's result (the response's "result"). Throw <see cref="Errors.RollbackException"/> to answer an
    /// error of its kind; <paramref name="cancellation"/> is the server stopping, not the client leaving (a rollback is
    /// not abandoned half-way because the agent that asked for it went away).</summary>
    Task<JsonNode?> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation);
}
