using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Cli.Cli;
using Kernel.Update.Rollback.Cli.Monitor;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Cli.Commands;

/// <summary>
/// <c>rollbackctl monitor</c>: the long-running service. On Microsoft.Extensions.Hosting: under systemd
/// (Type=notify) it reports READY=1 once started, STOPPING=1 on SIGTERM and pings the watchdog while its loop is
/// alive; its log lines carry journald priorities. It recovers an interrupted operation, then watches health, and
/// serves the local API on monitor.socket.
/// </summary>
internal static class MonitorCommand
{
    public static int Run(CliContext context)
    {
        var config = context.Config;
        var sample = HealthSampling.For(context);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "rollbackctl-monitor" });
        builder.Logging.AddProvider(new StderrLoggerProvider(context.Verbose ? LogLevel.Information : LogLevel.Warning));
        var system = new RollbackSystem(config, context.Logger);
        var monitor = new HealthMonitor(config, context.Logger, sample, system);
        // The API shares the monitor's RollbackSystem: its subscribers see the monitor's automatic rollbacks too.
        ControlServer? server = null;
        // With --json every event the API publishes (health changes, rollbacks and their progress, whoever started
        // them) is also a JSON line on stdout, in the API's own schema: a supervisor or a script can follow it.
        var stdout = context.Json ? Console.OpenStandardOutput() : null;
        var stdoutLock = new Lock();
        void Publish(ControlEvent e)
        {
            server?.Publish(e);
            if (stdout is null)
                return;
            lock (stdoutLock)
            {
                stdout.Write(MonitorEvents.Encode(e).Span);
                stdout.Flush();
            }
        }
        var handler = new EngineControlHandler(config, context.Logger, system, () => monitor.Latest, Publish);
        server = new ControlServer(new ControlServerOptions(config.Monitor.Socket) { Group = config.Monitor.SocketGroup }, handler, context.Logger);
        MonitorEvents.Connect(monitor, Publish);
        Directory.CreateDirectory(Path.GetDirectoryName(config.Monitor.Socket)!);
        builder.Services.AddSingleton(config).AddSingleton(system).AddSingleton(monitor).AddSingleton(server);
        // Microsoft's AddSystemd() enables itself only when systemd is the parent process; NOTIFY_SOCKET is the
        // protocol's own signal (and what a test or another supervisor sets), so the lifetime keys on it.
        builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
        if (Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        builder.Services.AddHostedService<HealthWatchService>();
        builder.Services.AddHostedService<WatchdogService>();
        builder.Services.AddHostedService<ApiService>();
        using var host = builder.Build();
        host.Run();
        return 0;
    }
}
