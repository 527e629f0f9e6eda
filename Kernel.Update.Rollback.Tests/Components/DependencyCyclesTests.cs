using Kernel.Update.Rollback.Components;
using Xunit;
using static Kernel.Update.Rollback.Tests.Components.GraphFixtures;

namespace Kernel.Update.Rollback.Tests.Components;

public class DependencyCyclesTests
{
    [Fact]
    public void ACycleIsReportedWithEveryNameInOrder()
    {
        var cycles = DependencyCycles.Find([Tree("a", "b"), Tree("b", "c"), Tree("c", "a")]);
        var cycle = Assert.Single(cycles);
        Assert.Equal(["a", "b", "c", "a"], cycle);
        Assert.Equal("a -> b -> c -> a", DependencyCycles.Format(cycle));
    }

    [Fact]
    public void ACycleStartsAtItsFirstDeclaredMember()
    {
        var cycle = Assert.Single(DependencyCycles.Find([Tree("x"), Tree("c", "a"), Tree("a", "b"), Tree("b", "c")]));
        Assert.Equal("c -> a -> b -> c", DependencyCycles.Format(cycle));
    }

    [Fact]
    public void SeparateCyclesAreEachReportedOnce()
    {
        var cycles = DependencyCycles.Find([Tree("a", "b"), Tree("b", "a"), Tree("ok"), Tree("x", "y"), Tree("y", "z"), Tree("z", "x")]);
        Assert.Equal(["a -> b -> a", "x -> y -> z -> x"], cycles.Select(DependencyCycles.Format));
    }

    [Fact]
    public void TheShortestCycleThroughTheFirstMemberIsChosen()
    {
        // a → b → c → d → a, with a shortcut c → a.
        var cycle = Assert.Single(DependencyCycles.Find([Tree("a", "b"), Tree("b", "c"), Tree("c", "d", "a"), Tree("d", "a")]));
        Assert.Equal("a -> b -> c -> a", DependencyCycles.Format(cycle));
    }

    [Fact]
    public void AComponentThatMerelyReachesACycleIsNotPartOfIt()
    {
        var cycle = Assert.Single(DependencyCycles.Find([Tree("top", "a"), Tree("a", "b"), Tree("b", "a")]));
        Assert.Equal("a -> b -> a", DependencyCycles.Format(cycle));
    }

    [Fact]
    public void AnAcyclicGraphHasNoCycles()
    {
        Assert.Empty(DependencyCycles.Find(Device().Components));
        Assert.Empty(DependencyCycles.Find([Tree("a", "b"), Tree("b"), Tree("c", "a", "b")]));
    }
}
