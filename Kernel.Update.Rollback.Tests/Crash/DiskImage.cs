using Kernel.Update.Rollback.Native;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>A file's identity on the disk: names come and go, the inode is what data and metadata belong to.</summary>
internal readonly record struct InodeId(ulong Device, ulong Inode);

/// <summary>An inode's content and metadata as read at one moment: what a crash could bring back.</summary>
internal sealed record InodeState(FileKind Kind, uint Mode, uint Uid, uint Gid, long MTimeSeconds, uint MTimeNanoseconds,
    byte[] Data, string? LinkTarget, (string Name, byte[] Value)[] Xattrs)
{
    public bool SameAs(InodeState other) =>
        Kind == other.Kind && Mode == other.Mode && Uid == other.Uid && Gid == other.Gid && MTimeSeconds == other.MTimeSeconds
        && MTimeNanoseconds == other.MTimeNanoseconds && LinkTarget == other.LinkTarget && Data.AsSpan().SequenceEqual(other.Data)
        && Xattrs.Length == other.Xattrs.Length && Xattrs.Zip(other.Xattrs).All(p => p.First.Name == p.Second.Name && p.First.Value.AsSpan().SequenceEqual(p.Second.Value));

    /// <summary>The same inode as it is right after its creation, before any of its data was synced.</summary>
    public InodeState Unwritten() => Kind == FileKind.Regular ? this with { Data = [] } : this;

    /// <summary>Reads the inode a path names (not following a final symlink).</summary>
    public static (InodeId Id, InodeState State) Read(string path)
    {
        var status = Posix.LStat(path);
        return (new InodeId(status.Device, status.Inode), Read(path, status));
    }

    /// <summary>Reads an open file through its /proc/self/fd link: the handle may be write-only or O_DIRECT, or its
    /// name gone, and the content is still there to read.</summary>
    public static (InodeId Id, InodeState State) Read(SafeFileHandle handle)
    {
        var status = Posix.FStat(handle);
        return (new InodeId(status.Device, status.Inode), Read($"/proc/self/fd/{handle.DangerousGetHandle()}", status));
    }

    private static InodeState Read(string path, in FileStatus status)
    {
        byte[] data = status.Kind == FileKind.Regular ? ReadAll(path, status.Size) : [];
        string? link = status.Kind == FileKind.Symlink ? Posix.ReadLink(path) : null;
        var xattrs = new List<(string, byte[])>();
        if (status.Kind is FileKind.Regular or FileKind.Directory)
        {
            var names = new List<string>();
            Posix.ListXattrs(path, names);
            names.Sort(StringComparer.Ordinal);
            foreach (string name in names)
                xattrs.Add((name, Posix.GetXattr(path, name)));
        }
        return new InodeState(status.Kind, status.Mode, status.Uid, status.Gid, status.MTimeSeconds, status.MTimeNanoseconds,
            data, link, [.. xattrs]);
    }

    // Not File.ReadAllBytes: .NET takes an advisory lock to emulate FileShare, and the engine holds its files with
    // FileShare.None while this reads them through /proc/self/fd.
    private static byte[] ReadAll(string path, long size)
    {
        using var file = Posix.Open(path, OpenFlags.ReadOnly);
        var data = new byte[size];
        int done = 0;
        while (done < data.Length)
        {
            int read = RandomAccess.Read(file, data.AsSpan(done), done);
            if (read == 0)
                return data[..done];
            done += read;
        }
        return data;
    }
}

/// <summary>
/// A directory tree as inodes and the names that point at them: either what is on the disk now, or (kept up to date by
/// <see cref="PowerCutObserver"/>) what a power cut could not take away — each inode's last synced state and each
/// directory's last synced names.
/// </summary>
internal sealed class DiskImage
{
    private DiskImage(InodeId root) => Root = root;

    public InodeId Root { get; }
    public Dictionary<InodeId, InodeState> Inodes { get; } = [];
    public Dictionary<InodeId, Dictionary<string, InodeId>> Names { get; } = [];

    /// <summary>Everything under <paramref name="root"/> as it is now.</summary>
    public static DiskImage Capture(string root)
    {
        var (id, state) = InodeState.Read(root);
        var image = new DiskImage(id);
        image.Inodes[id] = state;
        image.CaptureNames(root, id);
        return image;
    }

    /// <summary>A file's data and metadata were synced.</summary>
    public void RecordInode(SafeFileHandle handle)
    {
        var (id, state) = InodeState.Read(handle);
        Inodes[id] = state;
    }

    /// <summary>A directory was synced: its names (and its own metadata) are durable, not the inodes they point at.</summary>
    public void RecordDirectory(string path)
    {
        var (id, state) = InodeState.Read(path);
        Inodes[id] = state;
        Names[id] = ReadNames(path);
    }

    private void CaptureNames(string directory, InodeId id)
    {
        var names = ReadNames(directory);
        Names[id] = names;
        foreach (var (name, child) in names)
        {
            string path = Path.Combine(directory, name);
            var (_, state) = InodeState.Read(path);
            if (Inodes.TryAdd(child, state) && state.Kind == FileKind.Directory)
                CaptureNames(path, child);
        }
    }

    private static Dictionary<string, InodeId> ReadNames(string directory)
    {
        var list = new List<string>();
        Posix.ReadDirectory(directory, list);
        var names = new Dictionary<string, InodeId>(StringComparer.Ordinal);
        foreach (string name in list)
        {
            var status = Posix.LStat(Path.Combine(directory, name));
            names[name] = new InodeId(status.Device, status.Inode);
        }
        return names;
    }
}
