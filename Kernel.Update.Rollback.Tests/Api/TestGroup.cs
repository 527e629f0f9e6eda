using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Api;

/// <summary>A system group made for one test (groupadd) and removed after it (groupdel). Needs root.</summary>
internal sealed class TestGroup : IDisposable
{
    private TestGroup(string name, uint gid) => (Name, Gid) = (name, gid);

    public string Name { get; }
    public uint Gid { get; }

    public static TestGroup Create()
    {
        string name = "kurapi" + Guid.NewGuid().ToString("N")[..8];
        ProcessRunner.Run("groupadd", "--system", name).EnsureSuccess();
        if (!Posix.TryGetGroupId(name, out uint gid))
            throw new InvalidOperationException($"groupadd made {name}, but getgrnam does not find it");
        return new TestGroup(name, gid);
    }

    public void Dispose() => ProcessRunner.Run("groupdel", Name);
}
