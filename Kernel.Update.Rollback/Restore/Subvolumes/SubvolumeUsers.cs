using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Restore.Subvolumes;

/// <summary>
/// Whether a subvolume is busy, so that swapping it out would leave someone on the old tree: a process with its
/// working directory, root, an open file or a mapped file on it (every btrfs subvolume has its own st_dev, so a
/// stat of /proc/PID/{cwd,root,fd/*,map_files/*} tells), or a file system mounted on or inside it.
/// </summary>
internal static class SubvolumeUsers
{
    /// <summary>Says who keeps the subvolume at <paramref name="path"/> (device <paramref name="device"/>) busy, or null.</summary>
    public static string? Find(string path, ulong device)
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
            var fields = line.Split(' ', 6);
            if (fields.Length < 5)
                continue;
            string mountPoint = Block.MountTable.Unescape(fields[4]);
            if (mountPoint == path || mountPoint.StartsWith(path + "/", StringComparison.Ordinal))
                return $"a file system is mounted at {mountPoint}";
        }
        foreach (string proc in Directory.EnumerateDirectories("/proc"))
        {
            string pid = Path.GetFileName(proc);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0]))
                continue;
            if (On(proc + "/cwd", device) || On(proc + "/root", device) || AnyOn(proc + "/fd", device) || AnyOn(proc + "/map_files", device))
                return $"process {pid} ({Command(proc)}) uses it";
        }
        return null;
    }

    /// <summary>A directory inside the tree on another device: a nested subvolume or a mount, which a swap would drop.</summary>
    public static string? FindNested(string path, ulong device)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (string directory in Directory.EnumerateDirectories(path, "*", options))
            if (Posix.TryLStat(directory, out var status) && status.Device != device)
                return $"{directory} is another subvolume or file system, which a swap would not carry over";
        return null;
    }

    private static bool On(string link, ulong device)
    {
        try
        {
            return Posix.Stat(link).Device == device;
        }
        catch (NativeException)
        {
            return false; // the process or descriptor is gone
        }
    }

    private static bool AnyOn(string directory, ulong device)
    {
        IEnumerable<string> links;
        try
        {
            links = Directory.EnumerateFileSystemEntries(directory);
            foreach (string link in links)
                if (On(link, device))
                    return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the process exited while we looked
        }
        return false;
    }

    private static string Command(string proc)
    {
        try
        {
            return File.ReadAllText(proc + "/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
