using System.Runtime.CompilerServices;

namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>Environment every process the tests start inherits.</summary>
internal static class ChildProcessEnvironment
{
    /// <summary>
    /// A .NET process removes its diagnostic IPC pipes and socket from /tmp only when it exits normally; the kill tests
    /// SIGKILL hundreds of rollbackctl processes per run, which left three files each in /tmp of the CI machine.
    /// The tests never attach a debugger or dotnet-trace to a child, so the children run without that IPC.
    /// </summary>
    [ModuleInitializer]
    internal static void DisableDiagnosticIpc() => Environment.SetEnvironmentVariable("DOTNET_EnableDiagnostics", "0");
}
