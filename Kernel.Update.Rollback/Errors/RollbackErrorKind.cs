namespace Kernel.Update.Rollback.Errors;

/// <summary>
/// What went wrong, as the update pipelines that call us need to tell it apart.
/// Each kind maps to one exit code of the command-line contract (see <see cref="ExitCodes"/>).
/// </summary>
public enum RollbackErrorKind
{
    /// <summary>The operation failed; the message says what and where.</summary>
    Failed,
    /// <summary>A recovery point, component or file that was asked for does not exist.</summary>
    NotFound,
    /// <summary>Bad input: a config, an argument or a name that cannot be used. Nothing was changed.</summary>
    InvalidInput,
    /// <summary>The system or store is not in a state that allows the operation (another writer holds the lock, ...).</summary>
    InvalidState,
    /// <summary>Data read back does not match what was written: a hash, a checksum or a structure is wrong.</summary>
    CorruptedData,
    /// <summary>An operation or a service did not finish in its time.</summary>
    Timeout,
    /// <summary>The live system is in a state we cannot reason about (an interrupted operation that could not be finished).</summary>
    SystemInInvalidState,
    /// <summary>Not enough space on the store's file system; refused before anything was written.</summary>
    NoSpace,
    /// <summary>The caller may not do this: a local API client that is not root, not the server's user and not in its group.</summary>
    PermissionDenied,
}
