using Stateless.Graph;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The phase machine's diagram, exported by Stateless from the very definition <see cref="RollbackStateMachine"/>
/// runs (with its state in memory), so it cannot drift from the code. Guards and entry actions carry
/// descriptions, which the diagram shows.
/// </summary>
public static class PhaseDiagram
{
    /// <summary>Graphviz DOT (<c>dot -Tsvg</c>).</summary>
    public static string Dot() => UmlDotGraph.Format(RollbackStateMachine.ForDiagram().GetInfo());

    /// <summary>A Mermaid state diagram (renders in GitHub markdown).</summary>
    public static string Mermaid() => MermaidGraph.Format(RollbackStateMachine.ForDiagram().GetInfo());
}
