using Kernel.Update.Rollback.Native;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Durability;

/// <summary>
/// The one seam every durable step of the engine goes through: file data (create, write, truncate), names (mkdir,
/// rename, unlink, links, nodes), metadata, and the syncs that make them durable. Each call is the plain system call;
/// an <see cref="IDiskStepObserver"/> installed with <see cref="Observe"/> sees the steps of its own async flow (the
/// thread-pool work it starts included) and nothing of other flows, so crash tests can cut the power after step K of
/// one operation while other tests run beside it. Reads never come here: they change nothing a power cut could lose.
/// </summary>
internal static class DiskSteps
{
    private static readonly AsyncLocal<IDiskStepObserver?> s_observer = new();

    /// <summary>Installs <paramref name="observer"/> for this flow until the returned scope is disposed.</summary>
    public static IDisposable Observe(IDiskStepObserver observer)
    {
        var previous = s_observer.Value;
        s_observer.Value = observer;
        return new ObserverScope(previous);
    }

    // ---- file data ----

    /// <summary>Creates (or, with <see cref="FileMode.Create"/>, truncates) a file.</summary>
    public static SafeFileHandle CreateFile(string path, FileMode mode, FileAccess access = FileAccess.Write)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateFile, path));
        var handle = File.OpenHandle(path, mode, access, FileShare.None);
        step.Done();
        return handle;
    }

    /// <summary>Creates a file with open(2) flags that include <see cref="OpenFlags.Create"/>.</summary>
    public static SafeFileHandle CreateFile(string path, OpenFlags flags, uint mode)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateFile, path));
        var handle = Posix.Open(path, flags, mode);
        step.Done();
        return handle;
    }

    public static SafeFileHandle CreateFileAt(SafeFileHandle directory, string name, OpenFlags flags, uint mode)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateFile, directory, name));
        var handle = Posix.OpenAt(directory, name, flags, mode);
        step.Done();
        return handle;
    }

    public static void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        var step = Begin(new DiskStep(DiskStepKind.Write, handle: file) { Offset = offset, Length = data.Length });
        RandomAccess.Write(file, data, offset);
        step.Done();
    }

    public static void SetLength(SafeFileHandle file, long length)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetLength, handle: file) { Length = length });
        RandomAccess.SetLength(file, length);
        step.Done();
    }

    /// <summary>FICLONE: <paramref name="destination"/> shares all of <paramref name="source"/>'s extents; false where
    /// the file system cannot (the caller writes the data instead).</summary>
    public static bool TryCloneFile(SafeFileHandle destination, SafeFileHandle source)
    {
        var step = Begin(new DiskStep(DiskStepKind.CloneFile, handle: destination));
        bool cloned = Posix.TryFiClone(destination, source);
        step.Done();
        return cloned;
    }

    // ---- syncs ----

    /// <summary>fsync(2): the file's data and metadata. A failed sync is not retried by callers: the kernel may
    /// have dropped the dirty pages (PostgreSQL's lesson).</summary>
    public static void FsyncFile(SafeFileHandle file)
    {
        var step = Begin(new DiskStep(DiskStepKind.FsyncFile, handle: file));
        RandomAccess.FlushToDisk(file);
        step.Done();
    }

    /// <summary>fdatasync(2): the file's data and what is needed to read it back (its size).</summary>
    public static void FDataSync(SafeFileHandle file)
    {
        var step = Begin(new DiskStep(DiskStepKind.FsyncFile, handle: file));
        Posix.FDataSync(file);
        step.Done();
    }

    /// <summary>Makes the names in a directory (creations, renames, removals) durable.</summary>
    public static void FsyncDirectory(string path)
    {
        var step = Begin(new DiskStep(DiskStepKind.FsyncDirectory, path));
        Posix.FsyncDirectory(path);
        step.Done();
    }

    /// <summary>syncfs(2): everything on the file system that holds <paramref name="anyFile"/>.</summary>
    public static void SyncFileSystem(SafeFileHandle anyFile)
    {
        var step = Begin(new DiskStep(DiskStepKind.SyncFileSystem, handle: anyFile));
        Posix.SyncFs(anyFile);
        step.Done();
    }

    // ---- names ----

    public static void CreateDirectory(string path)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateDirectory, path));
        Directory.CreateDirectory(path);
        step.Done();
    }

    public static void CreateDirectoryAt(SafeFileHandle directory, string name, uint mode)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateDirectory, directory, name));
        Posix.MkdirAt(directory, name, mode);
        step.Done();
    }

    /// <summary>rename(2) over whatever <paramref name="to"/> names.</summary>
    public static void Move(string from, string to)
    {
        var step = Begin(new DiskStep(DiskStepKind.Rename, from) { ToPath = to });
        File.Move(from, to, overwrite: true);
        step.Done();
    }

    public static void RenameNoReplace(string from, string to)
    {
        var step = Begin(new DiskStep(DiskStepKind.Rename, from) { ToPath = to });
        Posix.RenameNoReplace(from, to);
        step.Done();
    }

    public static void RenameAt(SafeFileHandle fromDirectory, string fromName, SafeFileHandle toDirectory, string toName, RenameFlags flags)
    {
        var step = Begin(new DiskStep(DiskStepKind.Rename, fromDirectory, fromName) { ToDirectory = toDirectory, ToName = toName });
        Posix.RenameAt2(fromDirectory, fromName, toDirectory, toName, flags);
        step.Done();
    }

    /// <summary>Removes a file if it exists (File.Delete's semantics).</summary>
    public static void DeleteFile(string path)
    {
        var step = Begin(new DiskStep(DiskStepKind.Unlink, path));
        File.Delete(path);
        step.Done();
    }

    public static void UnlinkAt(SafeFileHandle directory, string name, bool removeDir)
    {
        var step = Begin(new DiskStep(removeDir ? DiskStepKind.RemoveDirectory : DiskStepKind.Unlink, directory, name));
        Posix.UnlinkAt(directory, name, removeDir);
        step.Done();
    }

    public static void DeleteTree(string path)
    {
        var step = Begin(new DiskStep(DiskStepKind.RemoveTree, path));
        Directory.Delete(path, recursive: true);
        step.Done();
    }

    /// <summary>A btrfs snapshot of subvolume <paramref name="source"/> as <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static void CreateSubvolumeSnapshot(string source, string directory, string name, bool readOnly)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateSubvolumeSnapshot, Path.Combine(directory, name)));
        Btrfs.CreateSnapshot(source, directory, name, readOnly);
        step.Done();
    }

    public static void DeleteSubvolume(string directory, string name)
    {
        var step = Begin(new DiskStep(DiskStepKind.DeleteSubvolume, Path.Combine(directory, name)));
        Btrfs.DeleteSubvolume(directory, name);
        step.Done();
    }

    public static void Symlink(string target, string path)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateSymlink, path));
        Posix.Symlink(target, path);
        step.Done();
    }

    public static void SymlinkAt(string target, SafeFileHandle directory, string name)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateSymlink, directory, name));
        Posix.SymlinkAt(target, directory, name);
        step.Done();
    }

    public static void Link(string existing, string path)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateHardLink, existing) { ToPath = path });
        Posix.Link(existing, path);
        step.Done();
    }

    public static void LinkAt(SafeFileHandle existingDirectory, string existingName, SafeFileHandle directory, string name)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateHardLink, existingDirectory, existingName) { ToDirectory = directory, ToName = name });
        Posix.LinkAt(existingDirectory, existingName, directory, name);
        step.Done();
    }

    public static void MkNod(string path, FileKind kind, uint mode, ulong rdev)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateNode, path));
        Posix.MkNod(path, kind, mode, rdev);
        step.Done();
    }

    public static void MkNodAt(SafeFileHandle directory, string name, FileKind kind, uint mode, ulong rdev)
    {
        var step = Begin(new DiskStep(DiskStepKind.CreateNode, directory, name));
        Posix.MkNodAt(directory, name, kind, mode, rdev);
        step.Done();
    }

    // ---- metadata ----

    public static void LChown(string path, uint uid, uint gid)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetOwner, path));
        Posix.LChown(path, uid, gid);
        step.Done();
    }

    public static void FChownAt(SafeFileHandle directory, string name, uint uid, uint gid)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetOwner, directory, name));
        Posix.FChownAt(directory, name, uid, gid);
        step.Done();
    }

    /// <summary>fchown of an open file: no path to look up again (restore --to sets a new file's metadata while it is open).</summary>
    public static void FChown(SafeFileHandle file, uint uid, uint gid)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetOwner, handle: file));
        Posix.FChown(file, uid, gid);
        step.Done();
    }

    public static void Chmod(string path, uint mode)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetMode, path));
        Posix.Chmod(path, mode);
        step.Done();
    }

    public static void FChmodAt(SafeFileHandle directory, string name, uint mode)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetMode, directory, name));
        Posix.FChmodAt(directory, name, mode);
        step.Done();
    }

    public static void FChmod(SafeFileHandle file, uint mode)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetMode, handle: file));
        Posix.FChmod(file, mode);
        step.Done();
    }

    public static void SetTimes(string path, long seconds, uint nanoseconds)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetTimes, path));
        Posix.SetTimes(path, seconds, nanoseconds, seconds, nanoseconds);
        step.Done();
    }

    public static void UtimensAt(SafeFileHandle directory, string name, long seconds, uint nanoseconds)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetTimes, directory, name));
        Posix.UtimensAt(directory, name, seconds, nanoseconds, seconds, nanoseconds);
        step.Done();
    }

    public static void FUtimens(SafeFileHandle file, long seconds, uint nanoseconds)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetTimes, handle: file));
        Posix.FUtimens(file, seconds, nanoseconds, seconds, nanoseconds);
        step.Done();
    }

    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetXattr, path));
        Posix.SetXattr(path, name, value);
        step.Done();
    }

    public static void FSetXattr(SafeFileHandle file, string name, ReadOnlySpan<byte> value)
    {
        var step = Begin(new DiskStep(DiskStepKind.SetXattr, handle: file));
        Posix.FSetXattr(file, name, value);
        step.Done();
    }

    public static void RemoveXattr(string path, string name)
    {
        var step = Begin(new DiskStep(DiskStepKind.RemoveXattr, path));
        Posix.RemoveXattr(path, name);
        step.Done();
    }

    private static PendingStep Begin(in DiskStep step)
    {
        var observer = s_observer.Value;
        observer?.Before(step);
        return new PendingStep(observer, step);
    }

    /// <summary>A step that has begun; <see cref="Done"/> tells the observer it succeeded.</summary>
    private readonly ref struct PendingStep(IDiskStepObserver? observer, DiskStep step)
    {
        private readonly DiskStep _step = step;

        public void Done() => observer?.After(_step);
    }

    private sealed class ObserverScope(IDiskStepObserver? previous) : IDisposable
    {
        public void Dispose() => s_observer.Value = previous;
    }
}
