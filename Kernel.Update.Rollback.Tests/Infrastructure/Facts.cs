using Xunit;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>A fact that runs only as root; skipped otherwise, saying so.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Facilities.IsRoot)
        {
            Skip = $"needs root (running as uid {Facilities.EffectiveUid()})";
        }
    }
}

/// <summary>A theory that runs only as root; skipped otherwise, saying so.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!Facilities.IsRoot)
        {
            Skip = $"needs root (running as uid {Facilities.EffectiveUid()})";
        }
    }
}

/// <summary>
/// A fact that needs the enriched Debian minbase tree (<see cref="MinbaseTree"/>): root, the
/// tools of the fidelity comparison (bsdtar, getfattr, …), and either the cached tarball or
/// debootstrap with a reachable Debian mirror. Skipped otherwise, with the reason naming the
/// missing facility. Set <c>KUR_SKIP_MINBASE=1</c> to skip deliberately.
/// </summary>
public sealed class MinbaseFactAttribute : FactAttribute
{
    public MinbaseFactAttribute()
    {
        if (MinbaseTree.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>The theory form of <see cref="MinbaseFactAttribute"/>.</summary>
public sealed class MinbaseTheoryAttribute : TheoryAttribute
{
    public MinbaseTheoryAttribute()
    {
        if (MinbaseTree.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs the tree-comparison tools (bsdtar, getfattr, find); not root.</summary>
public sealed class TreeCompareFactAttribute : FactAttribute
{
    public TreeCompareFactAttribute()
    {
        if (TreeComparer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
