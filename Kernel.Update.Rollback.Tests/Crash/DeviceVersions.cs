using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>Two versions of the crash bed's trees, with every kind of change between them: content rewritten in place
/// and replaced, files and directories added and removed, modes, xattrs and symlink targets changed, a hard link.</summary>
internal static class DeviceVersions
{
    public static void WriteV1(CrashBed bed)
    {
        Write(bed, "boot/vmlinuz", TestFiles.RandomBytes(1, 96 << 10));
        Write(bed, "boot/config-6.1", "CONFIG_NET=y\n"u8);
        Write(bed, "lib/modules/6.1/kernel/net.ko", TestFiles.RandomBytes(2, 20 << 10));
        Write(bed, "lib/modules/6.1/kernel/fs.ko", TestFiles.RandomBytes(3, 8 << 10));
        Write(bed, "lib/modules/6.1/modules.dep", "kernel/net.ko:\nkernel/fs.ko:\n"u8);
        File.CreateSymbolicLink(bed.Live("lib/modules/current"), "6.1");
        Write(bed, "etc/app.conf", "x=1\n"u8);
        Write(bed, "etc/secret", "key=1\n"u8, 0b110_000_000);
        Write(bed, "etc/ssl/cert.pem", "CERT v1\n"u8);
        Posix.SetXattr(bed.Live("etc/ssl/cert.pem"), "user.origin", "v1"u8);
        File.CreateSymbolicLink(bed.Live("etc/localtime"), "/usr/share/zoneinfo/UTC");
        Write(bed, "opt/app/bin/app", TestFiles.RandomBytes(4, 40 << 10), 0b111_101_101);
        Posix.Link(bed.Live("opt/app/bin/app"), bed.Live("opt/app/bin/app-link"));
        Write(bed, "opt/app/lib/libapp.so", TestFiles.RandomBytes(5, 30 << 10));
        Write(bed, "var/data/db", TestFiles.RandomBytes(6, 50 << 10));
        Write(bed, "var/data/notes.txt", "first\n"u8);
    }

    /// <summary>An update of every tree (the kernel and drivers too, so their rollback has work).</summary>
    public static void WriteV2(CrashBed bed)
    {
        var kernel = File.ReadAllBytes(bed.Live("boot/vmlinuz"));
        TestFiles.RandomBytes(7, 4096).CopyTo(kernel, 40 << 10);
        File.WriteAllBytes(bed.Live("boot/vmlinuz"), kernel);
        Write(bed, "boot/initrd", TestFiles.RandomBytes(8, 12 << 10));
        Write(bed, "lib/modules/6.2/kernel/net.ko", TestFiles.RandomBytes(9, 20 << 10));
        File.Delete(bed.Live("lib/modules/6.1/kernel/fs.ko"));
        Write(bed, "lib/modules/6.1/modules.dep", "kernel/net.ko:\n"u8);
        File.Delete(bed.Live("lib/modules/current"));
        File.CreateSymbolicLink(bed.Live("lib/modules/current"), "6.2");
        WriteConfigV2(bed);
        File.WriteAllBytes(bed.Live("opt/app/bin/app"), TestFiles.RandomBytes(10, 44 << 10)); // in place: app-link changes with it
        File.Delete(bed.Live("opt/app/lib/libapp.so"));
        Write(bed, "opt/app/lib/libapp.so.2", TestFiles.RandomBytes(11, 30 << 10));
        Write(bed, "var/data/notes.txt", "first\nsecond\n"u8);
    }

    public static void WriteConfigV2(CrashBed bed)
    {
        Write(bed, "etc/app.conf", "x=2\n"u8);
        File.SetUnixFileMode(bed.Live("etc/secret"), (UnixFileMode)0b110_100_100);
        Posix.SetXattr(bed.Live("etc/ssl/cert.pem"), "user.origin", "v2"u8);
        Write(bed, "etc/new.conf", "new\n"u8);
        File.Delete(bed.Live("etc/localtime"));
    }

    private static void Write(CrashBed bed, string relative, ReadOnlySpan<byte> content, int mode = 0b110_100_100)
    {
        string path = bed.Live(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content.ToArray());
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }
}
