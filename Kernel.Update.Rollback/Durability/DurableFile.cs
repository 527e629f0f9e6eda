using Kernel.Update.Rollback.Native;

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
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, data, 0);
            // A failed fsync is not retried: the kernel may have dropped the dirty pages (PostgreSQL's lesson).
            RandomAccess.FlushToDisk(handle);
        }
        File.Move(temp, path, overwrite: true);
        Posix.FsyncDirectory(directory);
    }

    /// <summary>Writes a new file that must not exist yet, and makes its data durable (not its directory entry:
    /// callers batch that into one <see cref="Posix.FsyncDirectory"/> per directory).</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> data)
    {
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        RandomAccess.Write(handle, data, 0);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>Creates a directory and makes its entry in the parent durable.</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
            return;
        string? parent = Path.GetDirectoryName(path);
        if (parent is not null)
            EnsureDirectory(parent);
        Directory.CreateDirectory(path);
        if (parent is not null)
            Posix.FsyncDirectory(parent);
    }
}
