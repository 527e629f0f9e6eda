namespace Kernel.Update.Rollback.Operations;

/// <summary>Which components of a recovery point a rollback touches. Components outside the scope are never touched.</summary>
public enum RollbackScope
{
    /// <summary>Every component of the recovery point.</summary>
    FullSystem,
    /// <summary>Exactly the named components, nothing else (<c>--exact</c>).</summary>
    Component,
    /// <summary>The named components plus every component that depends on them, directly or not (the dependents closure).</summary>
    Partial,
    /// <summary>Only the components whose live state differs from the recovery point.</summary>
    Incremental,
}
