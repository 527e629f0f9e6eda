using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace Kernel.Update.Rollback.Tests.Operations;

/// <summary>
/// The diagrams are exported from the machine's definition; these snapshots make every change to the phase
/// machine visible in review (and the README's copy is taken from <c>rollbackctl graph</c>).
/// </summary>
public sealed class PhaseDiagramTests
{
    [Fact]
    public void TheMermaidDiagram() => Snapshot.Match(PhaseDiagram.Mermaid());

    [Fact]
    public void TheDotDiagram() => Snapshot.Match(PhaseDiagram.Dot());

    [Fact]
    public void GraphPrintsMermaidByDefault()
    {
        var result = CliRunner.Run("graph").EnsureSuccess();
        Assert.Empty(result.StdErr);
        Snapshot.Match(result.StdOut);
    }

    [Fact]
    public void GraphFormatDotPrintsGraphviz()
    {
        var result = CliRunner.Run("graph", "--format", "dot").EnsureSuccess();
        Snapshot.Match(result.StdOut);
    }

    [Fact]
    public void GraphPrintsExactlyTheExportedDiagrams()
    {
        Assert.Equal(PhaseDiagram.Mermaid().TrimEnd('\n'), CliRunner.Run("graph", "--format", "mermaid").EnsureSuccess().StdOut.TrimEnd('\n'));
        using var json = CliRunner.Run("graph", "--json").EnsureSuccess().Json();
        Assert.Equal("mermaid", json.RootElement.GetProperty("format").GetString());
        Assert.Equal(PhaseDiagram.Mermaid(), json.RootElement.GetProperty("diagram").GetString());
    }

    [Fact]
    public void GraphRefusesAnUnknownFormat()
    {
        var result = CliRunner.Run("graph", "--format", "svg").Expect(2);
        Assert.Empty(result.StdOut);
        Assert.Contains("--format must be dot or mermaid, not 'svg'", result.StdErr);
    }

    [Fact]
    public void EveryPhaseAndTriggerAppearsInTheDiagram()
    {
        string mermaid = PhaseDiagram.Mermaid();
        foreach (var phase in Enum.GetValues<RollbackPhase>())
            Assert.Contains(phase.ToString(), mermaid);
        foreach (var trigger in Enum.GetValues<RollbackTrigger>())
            Assert.Contains(" : " + trigger, mermaid);
    }
}
