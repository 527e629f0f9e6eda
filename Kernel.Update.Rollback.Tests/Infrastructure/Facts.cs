using Xunit;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>A fact that runs only where the facility it needs is present; otherwise it is skipped with
/// <paramref name="missing"/>, the reason naming what is missing. Never a silent pass.</summary>
public abstract class FactRequiringAttribute : FactAttribute
{
    protected FactRequiringAttribute(string? missing)
    {
        if (missing is not null)
            Skip = missing;
    }
}

/// <summary>A fact that runs only as root.</summary>
public sealed class RootFactAttribute() : FactRequiringAttribute(Facilities.IsRoot ? null : $"needs root (running as uid {Facilities.EffectiveUid()})");

/// <summary>
/// A fact that needs the enriched Debian minbase tree (<see cref="MinbaseTree"/>): root, the
/// tools of the fidelity comparison (bsdtar, getfattr, …), and either the cached tarball or
/// debootstrap with a reachable Debian mirror. Skipped otherwise, with the reason naming the
/// missing facility. Set <c>KUR_SKIP_MINBASE=1</c> to skip deliberately.
/// </summary>
public sealed class MinbaseFactAttribute() : FactRequiringAttribute(MinbaseTree.SkipReason);

/// <summary>A fact that needs the tree-comparison tools (bsdtar, getfattr, find); not root.</summary>
public sealed class TreeCompareFactAttribute() : FactRequiringAttribute(TreeComparer.SkipReason);

/// <summary>A fact that needs reads to move access times where tests make their files (not a noatime mount).</summary>
public sealed class AccessTimeFactAttribute() : FactRequiringAttribute(Facilities.AccessTimesNotUpdatedReason);
