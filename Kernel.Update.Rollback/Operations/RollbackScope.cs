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
    /// <summary>Of the named components (or all), only those whose live state differs from the recovery point, plus
    /// every component that depends on them unless exactly those were asked for (<c>--incremental</c>).</summary>
    Incremental,
}
