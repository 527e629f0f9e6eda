using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// The answer to one request: <see cref="Ok"/> with the op's <see cref="Result"/>, or not with an <see cref="Error"/>.
/// <see cref="Id"/> is the request's, or null when the line could not be read as a request (then the error says why).
/// </summary>
public sealed record ControlResponse(
    long? Id,
    bool Ok,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonNode? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ControlError? Error)
{
    public static ControlResponse Success(long? id, JsonNode? result) => new(id, true, result ?? new JsonObject(), null);

    public static ControlResponse Failure(long? id, RollbackErrorKind kind, string message) => new(id, false, null, ControlError.Of(kind, message));

    /// <summary>The result, or the error thrown as the <see cref="RollbackException"/> it stands for.</summary>
    public JsonNode EnsureSuccess() =>
        Ok && Result is not null ? Result : throw (Error ?? ControlError.Of(RollbackErrorKind.Failed, "the monitor answered neither a result nor an error")).ToException();
}

/// <summary>What went wrong: the <see cref="RollbackErrorKind"/> by name, one sentence, and the CLI's exit code for it.</summary>
public sealed record ControlError(string Kind, string Message, int ExitCode)
{
    public static ControlError Of(RollbackErrorKind kind, string message) => new(kind.ToString(), message, ExitCodes.For(kind));

    public static ControlError Of(RollbackException error) => Of(error.Kind, error.Message);

    /// <summary>The exception on the client's side; a kind this build does not know becomes <see cref="RollbackErrorKind.Failed"/>.</summary>
    public RollbackException ToException() =>
        new(Enum.TryParse<RollbackErrorKind>(Kind, out var kind) ? kind : RollbackErrorKind.Failed, Message);
}
