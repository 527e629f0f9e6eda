using Kernel.Update.Rollback.Tests.Infrastructure;
using System.Text;
using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class XattrTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void UserXattrRoundTripsAndIsListedAndRemoved()
    {
        string file = _dir.WriteFile("f", "");
        byte[] value = [0, 1, 2, 255, 0];

        Posix.SetXattr(file, "user.kur.test", value);
        Posix.SetXattr(file, "user.empty", ReadOnlySpan<byte>.Empty);
        var names = new List<string> { "stale" };
        Posix.ListXattrs(file, names);

        Assert.Equal(value, Posix.GetXattr(file, "user.kur.test"));
        Assert.Empty(Posix.GetXattr(file, "user.empty"));
        Assert.Contains("user.kur.test", names);
        Assert.Contains("user.empty", names);
        Assert.DoesNotContain("stale", names);

        Posix.RemoveXattr(file, "user.kur.test");
        Assert.False(Posix.TryGetXattr(file, "user.kur.test", out _));
    }

    [Fact]
    public void LargeValuesAndManyNamesGrowPastTheStackBuffers()
    {
        string file = _dir.WriteFile("f", "");
        byte[] big = new byte[1000]; // ext4 keeps all xattrs of a file in one 4 KiB block
        Random.Shared.NextBytes(big);
        Posix.SetXattr(file, "user.big", big);
        for (int i = 0; i < 20; i++)
            Posix.SetXattr(file, $"user.name-number-{i:D3}-padded-to-be-long", [(byte)i]);

        var names = new List<string>();
        Posix.ListXattrs(file, names);

        Assert.Equal(big, Posix.GetXattr(file, "user.big"));
        Assert.Equal(21, names.Count(n => n.StartsWith("user.", StringComparison.Ordinal)));
    }

    [Fact]
    public void ListingByDirectoryDescriptorMatchesThePathFormAndDoesNotFollowSymlinks()
    {
        string file = _dir.WriteFile("f", "");
        for (int i = 0; i < 20; i++)
            Posix.SetXattr(file, $"user.name-number-{i:D3}-padded-to-be-long", [(byte)i]); // past the 512-byte stack list
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "link"), file);
        using var dir = Posix.OpenDirectory(_dir.Path);
        var byPath = new List<string>();
        Posix.ListXattrs(file, byPath);

        var byDirectory = new List<string>();
        if (!Posix.TryListXattrsAt(dir, "f", byDirectory))
        {
            Assert.Empty(byDirectory); // a kernel before 6.13: the caller falls back to the path form
            return;
        }
        Assert.Equal(byPath.Order(), byDirectory.Order());
        Assert.Equal(20, byDirectory.Count(n => n.StartsWith("user.", StringComparison.Ordinal)));
        Assert.True(Posix.TryListXattrsAt(dir, "link", byDirectory));
        Assert.DoesNotContain(byDirectory, n => n.StartsWith("user.", StringComparison.Ordinal));
    }

    [Fact]
    public void XattrCallsDoNotFollowSymlinks()
    {
        string target = _dir.WriteFile("target", "");
        File.CreateSymbolicLink(_dir["link"], target);
        Posix.SetXattr(target, "user.on-target", "t"u8);

        var names = new List<string>();
        Posix.ListXattrs(_dir["link"], names);

        Assert.DoesNotContain("user.on-target", names);
        // user.* is not allowed on symlinks: the kernel says EPERM, proving we did not touch the target.
        var ex = Assert.Throws<NativeException>(() => Posix.SetXattr(_dir["link"], "user.x", "x"u8));
        Assert.Equal(Errno.EPERM, ex.Error);
    }

    [Fact]
    public void MissingAttributeThrowsENODATAWithTheAttributeNameInTheMessage()
    {
        string file = _dir.WriteFile("f", "");
        var ex = Assert.Throws<NativeException>(() => Posix.GetXattr(file, "user.missing"));
        Assert.Equal(Errno.ENODATA, ex.Error);
        Assert.Equal("lgetxattr", ex.Call);
        Assert.Equal($"lgetxattr failed on '{file}' (user.missing): ENODATA (No data available)", ex.Message);
    }

    [RootFact]
    public void SecurityCapabilityBytesWrittenBySetcapCopyToAnotherFile()
    {
        string source = _dir.WriteFile("ping", "");
        string copy = _dir.WriteFile("copy", "");
        byte[] raw;
        if (NativeFacilities.FindTool("setcap") is not null)
        {
            Sh.Run("setcap", "cap_net_raw+ep", source);
            raw = Posix.GetXattr(source, "security.capability");
        }
        else
        {
            // VFS_CAP_REVISION_2, effective, permitted = CAP_NET_RAW (bit 13): what setcap writes.
            raw = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            Posix.SetXattr(source, "security.capability", raw);
        }

        Posix.SetXattr(copy, "security.capability", raw);

        Assert.Equal(20, raw.Length);
        Assert.Equal(raw, Posix.GetXattr(copy, "security.capability"));
        if (NativeFacilities.FindTool("getcap") is not null)
            Assert.Contains("cap_net_raw=ep", Sh.Run("getcap", copy), StringComparison.Ordinal);
    }

    [Fact]
    public void FSetXattrSetsTheAttributeOnTheOpenFile()
    {
        string file = _dir.WriteFile("f", "");
        using (var fd = Posix.Open(file, OpenFlags.ReadOnly))
            Posix.FSetXattr(fd, "user.via-fd", "fd"u8);
        Assert.Equal("fd"u8.ToArray(), Posix.GetXattr(file, "user.via-fd"));
    }

    [Fact]
    public void ListXattrsOnProcfsWhichHasNoXattrSupportIsEmpty()
    {
        var names = new List<string> { "stale" };
        Posix.ListXattrs("/proc/version", names);
        Assert.Empty(names);
    }

    [Fact]
    public void ListXattrsOfAFileWithoutAttributesIsEmpty()
    {
        string file = _dir.WriteFile("f", "");
        var names = new List<string>();
        Posix.ListXattrs(file, names);
        Assert.DoesNotContain(names, n => n.StartsWith("user.", StringComparison.Ordinal));
        Assert.Equal("v", Encoding.UTF8.GetString(SetAndGet(file)));
    }

    private static byte[] SetAndGet(string file)
    {
        Posix.SetXattr(file, "user.v", "v"u8);
        return Posix.GetXattr(file, "user.v");
    }
}
