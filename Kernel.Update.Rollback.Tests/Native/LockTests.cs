using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class LockTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TwoOpenFileDescriptionsOfTheSameFileConflictUntilUnlock()
    {
        string file = _dir.WriteFile("lock", "");
        using var first = Posix.Open(file, OpenFlags.ReadOnly);
        using var second = Posix.Open(file, OpenFlags.ReadOnly);

        Assert.True(Posix.TryLockExclusive(first));
        Assert.False(Posix.TryLockExclusive(second));
        Assert.False(Posix.TryLockShared(second));

        Posix.Unlock(first);
        Assert.True(Posix.TryLockExclusive(second));
    }

    [Fact]
    public void ClosingTheHandleReleasesTheLock()
    {
        string file = _dir.WriteFile("lock", "");
        using var second = Posix.Open(file, OpenFlags.ReadOnly);
        using (var first = Posix.Open(file, OpenFlags.ReadOnly))
            Assert.True(Posix.TryLockExclusive(first));
        Assert.True(Posix.TryLockExclusive(second));
    }

    [Fact]
    public void SharedLocksCoexistButBlockAnExclusiveOne()
    {
        string file = _dir.WriteFile("lock", "");
        using var a = Posix.Open(file, OpenFlags.ReadOnly);
        using var b = Posix.Open(file, OpenFlags.ReadOnly);
        using var c = Posix.Open(file, OpenFlags.ReadOnly);
        Assert.True(Posix.TryLockShared(a));
        Assert.True(Posix.TryLockShared(b));
        Assert.False(Posix.TryLockExclusive(c));
    }

    [Fact]
    public void LockingADisposedHandleThrowsObjectDisposed()
    {
        string file = _dir.WriteFile("lock", "");
        var fd = Posix.Open(file, OpenFlags.ReadOnly);
        fd.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Posix.TryLockExclusive(fd));
    }
}
