using Kernel.Update.Rollback.Components;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Components;

public class ComponentPathTests
{
    [Theory]
    [InlineData("etc", "etc")]
    [InlineData("etc/", "etc")]
    [InlineData("./etc/ssh", "etc/ssh")]
    [InlineData("usr/lib/./demo", "usr/lib/demo")]
    [InlineData("usr/lib/../share", "usr/share")]
    [InlineData(".", ".")]
    [InlineData("a/..", ".")]
    public void PathsAreNormalizedLexically(string raw, string expected)
    {
        Assert.True(ComponentPath.TryNormalize(raw, out string normalized, out string? problem), problem);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/etc", "absolute")]
    [InlineData("..", "climbs out")]
    [InlineData("../etc", "climbs out")]
    [InlineData("etc/../../x", "climbs out")]
    [InlineData("etc//ssh", "empty segment")]
    [InlineData("etc//", "empty segment")]
    [InlineData("etc\0x", "NUL")]
    public void UnusablePathsAreRefusedWithTheReason(string raw, string reason)
    {
        Assert.False(ComponentPath.TryNormalize(raw, out _, out string? problem));
        Assert.Contains(reason, problem);
        Assert.Throws<ArgumentException>(() => ComponentPath.Normalize(raw));
    }

    [Theory]
    [InlineData("etc", "etc", true)]
    [InlineData("etc", "etc/ssh", true)]
    [InlineData("etc/ssh", "etc", true)]
    [InlineData(".", "var", true)]
    [InlineData("etc", "etcetera", false)]
    [InlineData("usr/lib", "usr/libexec", false)]
    [InlineData("var/lib/a", "var/lib/b", false)]
    public void OverlapMeansEqualOrInside(string a, string b, bool overlap) => Assert.Equal(overlap, ComponentPath.Overlap(a, b));

    [Theory]
    [InlineData("ok", true)]
    [InlineData("kernel-6.1_rc.2", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("two words", false)]
    [InlineData("a/b", false)]
    [InlineData("naïve", false)]
    public void NamesAreLimitedToCharactersThatNeedNoQuoting(string name, bool valid) => Assert.Equal(valid, ComponentName.IsValid(name));

    [Fact]
    public void AComponentHasExactlyOneOfPathAndBlock()
    {
        var tree = new Component("etc", ComponentCategory.Configuration, path: "etc/");
        Assert.True(tree.IsTree);
        Assert.False(tree.IsBlock);
        Assert.Equal("etc", tree.Path);

        var block = new Component("boot", ComponentCategory.KernelCore, block: "/dev/mmcblk0p1");
        Assert.True(block.IsBlock);
        Assert.Null(block.Path);

        Assert.Throws<ArgumentException>(() => new Component("x", ComponentCategory.Other));
        Assert.Throws<ArgumentException>(() => new Component("x", ComponentCategory.Other, path: "a", block: "/dev/sda"));
        Assert.Throws<ArgumentException>(() => new Component("x", ComponentCategory.Other, path: "/abs"));
    }
}
