using System.Text.Json;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary><c>rollbackctl graph [--format dot|mermaid]</c>: the rollback phase machine, exported from its definition. Needs no config.</summary>
internal static class GraphCommand
{
    public static int Run(CliContext context)
    {
        string format = context.Args.Value("--format") ?? "mermaid";
        string diagram = format switch
        {
            "mermaid" => PhaseDiagram.Mermaid(),
            "dot" => PhaseDiagram.Dot(),
            _ => throw ParsedArguments.Usage($"--format must be dot or mermaid, not '{format}'"),
        };
        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(new GraphOutput(format, diagram), GraphJsonContext.Default.GraphOutput));
        else
            context.Out.Write(diagram.EndsWith('\n') ? diagram : diagram + "\n");
        return 0;
    }
}
