using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Errors;
using Xunit;
using static Kernel.Update.Rollback.Tests.Components.GraphFixtures;

namespace Kernel.Update.Rollback.Tests.Components;

public class ComponentGraphTests
{
    [Fact]
    public void TopologicalOrderPutsEveryComponentAfterItsDependencies()
    {
        var graph = Device();
        var order = Names(graph.TopologicalOrder).ToList();
        Assert.Equal(graph.Components.Count, order.Count);
        foreach (var component in graph.Components)
        {
            foreach (string dependency in component.DependsOn)
                Assert.True(order.IndexOf(dependency) < order.IndexOf(component.Name), $"{dependency} before {component.Name}");
        }
    }

    [Fact]
    public void TopologicalOrderBreaksTiesByDeclarationOrder()
    {
        // Ready components are taken earliest-declared first, whatever hashing does.
        Assert.Equal(["kernel", "drivers", "config", "services", "data", "db", "app", "logs"], Names(Device().TopologicalOrder));
        Assert.Equal(["c", "b", "a"], Names(new ComponentGraph([Tree("c"), Tree("b"), Tree("a")]).TopologicalOrder));
    }

    [Fact]
    public void TopologicalOrderIsTheSameOnEveryBuild()
    {
        var first = Names(Device().TopologicalOrder);
        for (int i = 0; i < 20; i++)
            Assert.Equal(first, Names(Device().TopologicalOrder));
    }

    [Fact]
    public void DependentsClosureAddsEverythingThatDependsTransitively()
    {
        var graph = Device();
        Assert.Equal(new[] { "kernel", "drivers", "services", "app" }.Order(), graph.DependentsClosure(["kernel"]).Order());
        Assert.Equal(new[] { "config", "services", "app" }.Order(), graph.DependentsClosure(["config"]).Order());
        Assert.Equal(new[] { "data", "db", "app" }.Order(), graph.DependentsClosure(["data"]).Order());
        Assert.Equal(new[] { "kernel", "drivers", "services", "app", "data", "db" }.Order(), graph.DependentsClosure(["kernel", "data"]).Order());
    }

    [Fact]
    public void DependentsClosureOfALeafIsTheLeafAlone()
    {
        var graph = Device();
        Assert.Equal(["app"], graph.DependentsClosure(["app"]));
        Assert.Equal(["logs"], graph.DependentsClosure(["logs"]));
        Assert.Empty(graph.DependentsClosure([]));
    }

    [Fact]
    public void DependentsClosureLeavesComponentsOutsideItAlone()
    {
        var closure = Device().DependentsClosure(["drivers"]);
        Assert.DoesNotContain("kernel", closure); // a dependency, not a dependent
        Assert.DoesNotContain("config", closure);
        Assert.DoesNotContain("logs", closure);
    }

    [Fact]
    public void RestoreOrderIsDependenciesFirstAndStopOrderIsDependentsFirst()
    {
        var graph = Device();
        var set = graph.DependentsClosure(["kernel", "config"]);
        Assert.Equal(["kernel", "drivers", "config", "services", "app"], Names(graph.RestoreOrder(set)));
        Assert.Equal(["app", "services", "config", "drivers", "kernel"], Names(graph.StopOrder(set)));
    }

    [Fact]
    public void PriorityComponentsGoFirstWhereTheGraphLeavesAChoice()
    {
        var graph = Device();
        string[] all = ["app", "services", "drivers", "kernel", "config", "db", "data", "logs"];
        // data and db need nothing the kernel's line needs: they may go first; app still waits for all it depends on.
        Assert.Equal(["data", "db", "kernel", "drivers", "config", "services", "app", "logs"], Names(graph.RestoreOrder(all, ["db", "data"])));
        // a priority component never jumps its own dependencies: app is last either way.
        Assert.Equal(["kernel", "drivers", "config", "services", "data", "db", "app", "logs"], Names(graph.RestoreOrder(all, ["app"])));
        Assert.Equal(Names(graph.RestoreOrder(all)), Names(graph.RestoreOrder(all, [])));
    }

    [Fact]
    public void OrdersIgnoreTheOrderAndRepetitionOfTheRequest()
    {
        var graph = Device();
        Assert.Equal(["kernel", "drivers", "app"], Names(graph.RestoreOrder(["app", "kernel", "drivers", "app"])));
        Assert.Equal(["app", "drivers", "kernel"], Names(graph.StopOrder(["kernel", "app", "drivers", "kernel"])));
    }

    [Fact]
    public void DirectDependenciesAndDependentsAreListed()
    {
        var graph = Device();
        Assert.Equal(["drivers", "config"], Names(graph.DependenciesOf("services")));
        Assert.Equal(["services"], Names(graph.DependentsOf("drivers")));
        Assert.Empty(graph.DependentsOf("app"));
    }

    [Fact]
    public void GetNamesTheKnownComponentsWhenTheNameIsUnknown()
    {
        var graph = Device();
        Assert.Equal("db", graph.Get("db").Name);
        Assert.True(graph.TryGet("kernel", out var kernel));
        Assert.Equal(ComponentCategory.Other, kernel.Category);
        Assert.False(graph.TryGet("kernal", out _));

        var e = Assert.Throws<RollbackException>(() => graph.Get("kernal"));
        Assert.Equal(RollbackErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'kernal'", e.Message);
        Assert.Contains("kernel", e.Message.Replace("'kernal'", ""));
        Assert.Throws<RollbackException>(() => graph.DependentsClosure(["nope"]));
        Assert.Throws<RollbackException>(() => graph.RestoreOrder(["nope"]));
    }

    [Fact]
    public void BuildingAGraphWithACycleFailsNamingTheCycle()
    {
        var e = Assert.Throws<ArgumentException>(() => new ComponentGraph([Tree("a", "b"), Tree("b", "a")]));
        Assert.Contains("a -> b -> a", e.Message);
    }

    [Fact]
    public void BuildingAGraphWithAnUnknownDependencyOrADuplicateFails()
    {
        Assert.Throws<ArgumentException>(() => new ComponentGraph([Tree("a", "zzz")]));
        Assert.Throws<ArgumentException>(() => new ComponentGraph([Tree("a"), Tree("a")]));
    }
}
