using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Restore.Block;

/// <summary>Where a block device is mounted read-write, from /proc/self/mountinfo (the device's major:minor, the
/// per-mount options): writing under a mounted file system corrupts it.</summary>
public static class MountTable
{
    /// <summary>The mount points where device <paramref name="rdev"/> is mounted read-write; empty when none.</summary>
    public static List<string> ReadWriteMounts(ulong rdev, string mountInfo = "/proc/self/mountinfo")
    {
        string wanted = $"{Posix.Major(rdev)}:{Posix.Minor(rdev)}";
        var mounts = new List<string>();
        foreach (string line in File.ReadLines(mountInfo))
        {
            // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
            var fields = line.Split(' ');
            if (fields.Length < 6 || fields[2] != wanted)
                continue;
            if (Array.IndexOf(fields[5].Split(','), "rw") >= 0)
                mounts.Add(Unescape(fields[4]));
        }
        return mounts;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash in paths as octal escapes.</summary>
    internal static string Unescape(string path) =>
        path.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
