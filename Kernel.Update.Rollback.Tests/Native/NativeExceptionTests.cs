using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class NativeExceptionTests
{
    [Fact]
    public void TheMessageNamesCallPathDetailErrnoAndStrerror()
    {
        var ex = new NativeException("lsetxattr", "/x/y", 1, "security.capability");
        Assert.Equal("lsetxattr failed on '/x/y' (security.capability): EPERM (Operation not permitted)", ex.Message);
        Assert.Equal(Errno.EPERM, ex.Error);
        Assert.IsAssignableFrom<IOException>(ex);
    }

    [Fact]
    public void WithoutAPathTheMessageSaysJustTheCall()
    {
        Assert.Equal("fsync failed: EIO (Input/output error)", new NativeException("fsync", null, 5).Message);
    }

    [Fact]
    public void AliasesUseTheCanonicalName()
    {
        Assert.StartsWith("flock failed: EAGAIN", new NativeException("flock", null, (int)Errno.EWOULDBLOCK).Message, StringComparison.Ordinal);
        Assert.StartsWith("x failed: EOPNOTSUPP", new NativeException("x", null, (int)Errno.ENOTSUP).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownErrnoValuesStillFormat()
    {
        Assert.StartsWith("x failed: errno 9999 (", new NativeException("x", null, 9999).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACallOnAClosedDescriptorNumberReportsEBADFWithoutAPath()
    {
        using var bogus = new Microsoft.Win32.SafeHandles.SafeFileHandle(12345, ownsHandle: false);
        var ex = Assert.Throws<NativeException>(() => Posix.Fsync(bogus));
        Assert.Equal(Errno.EBADF, ex.Error);
        Assert.Null(ex.Path);
        Assert.Equal("fsync failed: EBADF (Bad file descriptor)", ex.Message);
    }
}
