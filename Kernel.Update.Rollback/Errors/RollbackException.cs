namespace Kernel.Update.Rollback.Errors;

/// <summary>
/// The one exception type the engine lets out of its API. The message is one sentence that names
/// the component, the path and the cause, fit to print as it is.
/// </summary>
public class RollbackException : Exception
{
    public RollbackException(RollbackErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public RollbackErrorKind Kind { get; }

    public int ExitCode => ExitCodes.For(Kind);
}
