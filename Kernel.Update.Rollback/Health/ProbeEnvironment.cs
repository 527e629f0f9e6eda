using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Configuration;

namespace Kernel.Update.Rollback.Health;

/// <summary>What probes need from outside: where the device root is, and where a command may leave its output.</summary>
internal sealed record ProbeEnvironment(RollbackConfig Config, string ScratchDirectory)
{
    /// <summary>A probe's path as configured: absolute, or relative to the device root (like a block path).</summary>
    public string Locate(string path) => path == ComponentPath.RootItself ? Config.Root : Config.LocateBlock(path);
}
