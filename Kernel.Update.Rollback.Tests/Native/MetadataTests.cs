using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class MetadataTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NanosecondMtimesRoundTrip()
    {
        string file = _dir.WriteFile("f", "");
        Posix.SetTimes(file, 1_600_000_000, 111_111_111, 1_700_000_000, 123_456_789);
        FileStatus st = Posix.LStat(file);
        Assert.Equal(1_700_000_000, st.MTimeSeconds);
        Assert.Equal(123_456_789u, st.MTimeNanoseconds);
        Assert.Equal(1_600_000_000, st.ATimeSeconds);
        Assert.Equal(111_111_111u, st.ATimeNanoseconds);
    }

    [Fact]
    public void TimesBeforeTheEpochRoundTrip()
    {
        string file = _dir.WriteFile("f", "");
        Posix.SetTimes(file, -86_400, 0, -1, 500);
        FileStatus st = Posix.LStat(file);
        Assert.Equal(-1, st.MTimeSeconds);
        Assert.Equal(500u, st.MTimeNanoseconds);
    }

    [Fact]
    public void SetTimesOnASymlinkLeavesTheTargetsTimesAlone()
    {
        string target = _dir.WriteFile("target", "");
        Posix.SetTimes(target, 1_000_000_000, 1, 1_000_000_000, 2);
        Posix.Symlink(target, _dir["link"]);

        Posix.SetTimes(_dir["link"], 1_500_000_000, 3, 1_500_000_000, 4);

        FileStatus link = Posix.LStat(_dir["link"]);
        FileStatus t = Posix.LStat(target);
        Assert.Equal(1_500_000_000, link.MTimeSeconds);
        Assert.Equal(4u, link.MTimeNanoseconds);
        Assert.Equal(1_000_000_000, t.MTimeSeconds);
        Assert.Equal(2u, t.MTimeNanoseconds);
    }

    [Fact]
    public void UtimeOmitLeavesThatTimeUnchanged()
    {
        string file = _dir.WriteFile("f", "");
        Posix.SetTimes(file, 1_000, 0, 2_000, 0);
        Posix.SetTimes(file, 0, Posix.UtimeOmit, 3_000, 7);
        FileStatus st = Posix.LStat(file);
        Assert.Equal(1_000, st.ATimeSeconds);
        Assert.Equal(3_000, st.MTimeSeconds);
    }

    [Fact]
    public void ChmodSetsSpecialBitsAndMasksTheFileType()
    {
        string file = _dir.WriteFile("f", "");
        Posix.Chmod(file, 0x8000 | 0xDED); // S_IFREG | 06755: the type bits must be ignored, not rejected
        Assert.Equal(0xDEDu, Posix.LStat(file).Mode);
    }

    [RootFact]
    public void LChownChangesTheSymlinkAndNotItsTarget()
    {
        string target = _dir.WriteFile("target", "");
        Posix.Symlink(target, _dir["link"]);

        Posix.LChown(_dir["link"], 1234, 5678);

        Assert.Equal(1234u, Posix.LStat(_dir["link"]).Uid);
        Assert.Equal(5678u, Posix.LStat(_dir["link"]).Gid);
        Assert.Equal(0u, Posix.LStat(target).Uid);
    }

    [RootFact]
    public void FChownAndFChmodWorkThroughAHandle()
    {
        string file = _dir.WriteFile("f", "");
        using var handle = Posix.Open(file, OpenFlags.ReadOnly);
        Posix.FChown(handle, 42, 43);
        Posix.FChmod(handle, 0x1C0);
        FileStatus st = Posix.FStat(handle);
        Assert.Equal(42u, st.Uid);
        Assert.Equal(43u, st.Gid);
        Assert.Equal(0x1C0u, st.Mode);
    }
}
