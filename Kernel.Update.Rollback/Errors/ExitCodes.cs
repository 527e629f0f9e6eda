namespace Kernel.Update.Rollback.Errors;

/// <summary>Exit codes of the command-line contract (DESIGN.md); outside scripts depend on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Refused = 2;
    public const int Corruption = 3;

    public static int For(RollbackErrorKind kind) => kind switch
    {
        RollbackErrorKind.InvalidInput => Refused,
        RollbackErrorKind.InvalidState => Refused,
        // Checked before anything is written: a refusal, like a busy store, not a failure half-way.
        RollbackErrorKind.NoSpace => Refused,
        // Nothing was attempted: the caller was turned away at the door.
        RollbackErrorKind.PermissionDenied => Refused,
        RollbackErrorKind.CorruptedData => Corruption,
        _ => Failed,
    };
}
