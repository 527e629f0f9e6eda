namespace Kernel.Update.Rollback.Durability;

/// <summary>
/// Writes that are committed only once their data and their directory entry are on stable storage.
/// A rename over the old name is the commit point: a reader sees the old file or the new one, never a mix.
/// </summary>
public static class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="data"/> atomically and durably.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> data)
    {
        string directory = Path.GetDirectoryName(path)!;
        string temp = Path.Combine(directory, "." + Path.GetFileName(path) + ".tmp-" + Environment.ProcessId);
        using (var handle = DiskSteps.CreateFile(temp, FileMode.Create))
        {
            DiskSteps.Write(handle, data, 0);
            // A failed fsync is not retried: the kernel may have dropped the dirty pages (PostgreSQL's lesson).
            DiskSteps.FsyncFile(handle);
        }
        DiskSteps.Move(temp, path);
        DiskSteps.FsyncDirectory(directory);
    }

    /// <summary>Writes a new file that must not exist yet, and makes its data durable (not its directory entry:
    /// callers batch that into one <see cref="DiskSteps.FsyncDirectory"/> per directory).</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> data)
    {
        using var handle = DiskSteps.CreateFile(path, FileMode.CreateNew);
        DiskSteps.Write(handle, data, 0);
        DiskSteps.FsyncFile(handle);
    }

    /// <summary>Creates a directory and makes its entry in the parent durable.</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
            return;
        string? parent = Path.GetDirectoryName(path);
        if (parent is not null)
            EnsureDirectory(parent);
        DiskSteps.CreateDirectory(path);
        if (parent is not null)
            DiskSteps.FsyncDirectory(parent);
    }
}
