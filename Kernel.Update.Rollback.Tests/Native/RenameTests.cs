using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class RenameTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RenameExchangeSwapsTwoFiles()
    {
        string a = _dir.WriteFile("a", "A");
        string b = _dir.WriteFile("b", "B");
        Posix.RenameExchange(a, b);
        Assert.Equal("B", File.ReadAllText(a));
        Assert.Equal("A", File.ReadAllText(b));
    }

    [Fact]
    public void RenameExchangeSwapsADirectoryAndAFile()
    {
        Directory.CreateDirectory(_dir["dir"]);
        string file = _dir.WriteFile("file", "F");
        Posix.RenameExchange(_dir["dir"], file);
        Assert.Equal(FileKind.Regular, Posix.LStat(_dir["dir"]).Kind);
        Assert.Equal(FileKind.Directory, Posix.LStat(file).Kind);
    }

    [Fact]
    public void RenameExchangeWithAMissingSideThrowsENOENT()
    {
        string a = _dir.WriteFile("a", "A");
        Assert.Equal(Errno.ENOENT, Assert.Throws<NativeException>(() => Posix.RenameExchange(a, _dir["missing"])).Error);
    }

    [Fact]
    public void RenameNoReplaceMovesToAFreeName()
    {
        string a = _dir.WriteFile("a", "A");
        Posix.RenameNoReplace(a, _dir["c"]);
        Assert.False(File.Exists(a));
        Assert.Equal("A", File.ReadAllText(_dir["c"]));
    }

    [Fact]
    public void RenameNoReplaceOntoAnExistingFileThrowsEEXISTAndChangesNothing()
    {
        string a = _dir.WriteFile("a", "A");
        string b = _dir.WriteFile("b", "B");
        var ex = Assert.Throws<NativeException>(() => Posix.RenameNoReplace(a, b));
        Assert.Equal(Errno.EEXIST, ex.Error);
        Assert.Equal("renameat2", ex.Call);
        Assert.Equal(a, ex.Path);
        Assert.Contains(b, ex.Message, StringComparison.Ordinal);
        Assert.Equal("A", File.ReadAllText(a));
        Assert.Equal("B", File.ReadAllText(b));
    }
}
