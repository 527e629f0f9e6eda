using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Commands;
using Kernel.Update.Rollback.Cli.Output;
using Kernel.Update.Rollback.Errors;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        ParsedArguments parsed;
        try
        {
            parsed = ArgumentParser.Parse(args, CommandTable.ByName());
        }
        catch (RollbackException e)
        {
            // A script that asked for --json gets its one JSON document even when the command line is wrong.
            Console.Error.WriteLine("rollbackctl: " + e.Message);
            if (args.Contains("--json"))
                Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new ErrorOutput(e.Message, e.Kind.ToString(), e.ExitCode),
                    CliJsonContext.Default.ErrorOutput));
            return e.ExitCode;
        }
        // A factory over our one provider, without LoggerFactory.Create's service container: less to start for a
        // command that runs for milliseconds.
        using var loggers = new LoggerFactory([new StderrLoggerProvider(parsed.Has("--verbose") ? LogLevel.Information : LogLevel.Warning)],
            new LoggerFilterOptions { MinLevel = LogLevel.Trace });
        var context = new CliContext(parsed, loggers);
        using var cancellation = new CancellationTokenSource();
        try
        {
            if (parsed.Has("--help"))
                return HelpCommand.Run(context);
            return CommandTable.Run(context);
        }
        catch (RollbackException e)
        {
            return Fail(context, e.Message, e.Kind.ToString(), e.ExitCode, e);
        }
        catch (OperationCanceledException e)
        {
            return Fail(context, "cancelled", "Cancelled", ExitCodes.Failed, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(context, e.Message, RollbackErrorKind.Failed.ToString(), ExitCodes.Failed, e);
        }
        catch (Exception e)
        {
            return Fail(context, "internal error: " + e.Message + (context.Verbose ? "" : " (run with --verbose for details)"),
                "Internal", ExitCodes.Failed, e);
        }
    }

    private static int Fail(CliContext context, string message, string kind, int exitCode, Exception exception)
    {
        Console.Error.WriteLine("rollbackctl: " + message);
        if (context.Verbose)
            Console.Error.WriteLine(exception.ToString());
        if (context.Json)
            context.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new ErrorOutput(message, kind, exitCode), CliJsonContext.Default.ErrorOutput));
        return exitCode;
    }
}
