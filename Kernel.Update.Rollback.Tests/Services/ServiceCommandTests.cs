using System.Diagnostics;
using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Services;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Services;

/// <summary>Real shell commands as services: a daemon left running does not hold the wait, a hung one is killed
/// whole at its timeout, and a failure says which service, what and why.</summary>
public sealed class ServiceCommandTests
{
    [Fact]
    public void ADaemonLeftRunningDoesNotHoldTheWait()
    {
        using var dir = new TempDirectory();
        string pidFile = dir.Combine("daemon.pid");
        var watch = Stopwatch.StartNew();
        try
        {
            ServiceCommand.Run("app", ServiceSpec.ForCommands($"sleep 30 & echo $! > {pidFile}", null, 10), ServiceCommand.Action.Start, dir.Path, default);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"start took {watch.Elapsed}");
            Assert.True(Directory.Exists($"/proc/{File.ReadAllText(pidFile).Trim()}"), "the daemon is not running");
        }
        finally
        {
            Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim())).Kill();
        }
    }

    [Fact]
    public void AHungStopIsKilledWholeAtItsTimeout()
    {
        using var dir = new TempDirectory();
        string pidFile = dir.Combine("child.pid");
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<RollbackException>(() => ServiceCommand.Run("db", ServiceSpec.ForCommands(null,
            $"sleep 60 & echo $! > {pidFile}; echo stuck flushing; wait", 1), ServiceCommand.Action.Stop, dir.Path, default));

        Assert.Equal(RollbackErrorKind.Timeout, error.Kind);
        Assert.Contains("component db", error.Message);
        Assert.Contains("did not stop within 1 s", error.Message);
        Assert.Contains("stuck flushing", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the timeout took {watch.Elapsed}");
        int child = int.Parse(File.ReadAllText(pidFile).Trim());
        for (int i = 0; i < 100 && IsRunning(child); i++)
            Thread.Sleep(20);
        Assert.False(IsRunning(child), "the service's child outlived its killed group");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.log"));
    }

    [Fact]
    public void AFailureNamesTheServiceTheExitCodeAndItsLastWords()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<RollbackException>(() => ServiceCommand.Run("ui", ServiceSpec.ForCommands("echo port 80 in use >&2; exit 4", null, 5),
            ServiceCommand.Action.Start, dir.Path, default));

        Assert.Equal(RollbackErrorKind.Failed, error.Kind);
        Assert.Contains("component ui", error.Message);
        Assert.Contains("failed to start (exit code 4)", error.Message);
        Assert.Contains("port 80 in use", error.Message);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
