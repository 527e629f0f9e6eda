using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// Puts on the disk what it could hold after a power cut: for every directory, its durable or its current names, and for
/// every inode, its durable or current state, or a torn mix of the two (<see cref="CrashDamage"/>). Written in place
/// of the crashed tree at the same path, since the configuration names absolute paths.
/// </summary>
internal sealed class CrashStateWriter
{
    private const int PageSize = 4096;
    private readonly DiskImage _durable;
    private readonly DiskImage _current;
    private readonly CrashDamage _damage;
    private readonly Random _random;
    private readonly Dictionary<InodeId, InodeState?> _chosen = [];
    private readonly Dictionary<InodeId, string> _written = [];

    private CrashStateWriter(DiskImage durable, DiskImage current, CrashDamage damage, int seed)
    {
        (_durable, _current, _damage) = (durable, current, damage);
        _random = new Random(seed);
    }

    /// <summary>Replaces the tree at <paramref name="root"/> (now in its crashed, current state) with what the disk
    /// could hold after the cut.</summary>
    public static void Write(string root, DiskImage durable, CrashDamage damage, int seed)
    {
        if (damage == CrashDamage.NothingLost)
            return;
        var current = DiskImage.Capture(root);
        var writer = new CrashStateWriter(durable, current, damage, seed);
        string crashed = root + ".crashed";
        Directory.Move(root, crashed);
        Directory.CreateDirectory(root);
        writer.WriteDirectory(durable.Root, root);
        writer.SetMetadata(root, writer.Choose(durable.Root)!);
        Directory.Delete(crashed, recursive: true);
    }

    private void WriteDirectory(InodeId directory, string path)
    {
        var durable = _durable.Names.GetValueOrDefault(directory) ?? [];
        var current = _current.Names.GetValueOrDefault(directory) ?? [];
        // A directory's unsynced names come back all or none: Linux file systems journal a directory's changes in
        // order, so a rename inside one directory is atomic (never both names, never neither).
        var names = SameNames(durable, current) || _damage == CrashDamage.AllUnsyncedLost || _random.Next(2) == 0 ? durable : current;
        foreach (var (name, id) in names.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            if (Choose(id) is { } state)
                Write(Path.Combine(path, name), id, state);
        }
    }

    private static bool SameNames(Dictionary<string, InodeId> a, Dictionary<string, InodeId> b) =>
        a.Count == b.Count && a.All(n => b.TryGetValue(n.Key, out var id) && id == n.Value);

    private void Write(string path, InodeId id, InodeState state)
    {
        if (_written.TryGetValue(id, out string? first))
        {
            // A second name of the same inode: a hard link, unless it is a directory (two names of one directory
            // cannot both survive a rename's crash on a real file system either; the first one stands).
            if (state.Kind != FileKind.Directory)
                Posix.Link(first, path);
            return;
        }
        _written[id] = path;
        switch (state.Kind)
        {
            case FileKind.Directory:
                Directory.CreateDirectory(path);
                WriteDirectory(id, path);
                break;
            case FileKind.Regular:
                File.WriteAllBytes(path, state.Data);
                break;
            case FileKind.Symlink:
                Posix.Symlink(state.LinkTarget!, path);
                break;
            case FileKind.Fifo:
                Posix.MkNod(path, FileKind.Fifo, state.Mode, 0);
                break;
            default:
                throw new InvalidOperationException($"{path}: {state.Kind} is not modelled by the crash tests");
        }
        SetMetadata(path, state);
    }

    private void SetMetadata(string path, InodeState state)
    {
        Posix.LChown(path, state.Uid, state.Gid);
        if (state.Kind != FileKind.Symlink)
            Posix.Chmod(path, state.Mode);
        foreach (var (name, value) in state.Xattrs)
            Posix.SetXattr(path, name, value);
        Posix.SetTimes(path, state.MTimeSeconds, state.MTimeNanoseconds, state.MTimeSeconds, state.MTimeNanoseconds);
    }

    /// <summary>The state an inode comes back in, chosen once so that all its names agree; null when neither the
    /// durable image nor the disk has it.</summary>
    private InodeState? Choose(InodeId id)
    {
        if (_chosen.TryGetValue(id, out var chosen))
            return chosen;
        var durable = _durable.Inodes.GetValueOrDefault(id);
        var current = _current.Inodes.GetValueOrDefault(id);
        chosen = (durable, current) switch
        {
            (null, null) => null,
            (_, null) => durable,
            (null, _) => Pick(current.Unwritten(), current),
            _ when durable.SameAs(current) => current,
            _ => Pick(durable, current),
        };
        _chosen[id] = chosen;
        return chosen;
    }

    private InodeState Pick(InodeState old, InodeState now) => _damage switch
    {
        CrashDamage.AllUnsyncedLost => old,
        _ => _random.Next(3) switch
        {
            0 => old,
            1 => now,
            _ => Torn(old, now),
        },
    };

    /// <summary>Pages of the new data where the file system got to them, of the old data elsewhere; the length of one.</summary>
    private InodeState Torn(InodeState old, InodeState now)
    {
        if (now.Kind != FileKind.Regular || old.Kind != FileKind.Regular)
            return _random.Next(2) == 0 ? old : now;
        int length = _random.Next(2) == 0 ? old.Data.Length : now.Data.Length;
        var data = new byte[length];
        for (int page = 0; page < length; page += PageSize)
        {
            var from = _random.Next(2) == 0 ? old.Data : now.Data;
            if (page < from.Length)
                from.AsSpan(page, Math.Min(Math.Min(length, from.Length) - page, PageSize)).CopyTo(data.AsSpan(page));
        }
        var metadata = _random.Next(2) == 0 ? old : now;
        return metadata with { Data = data };
    }
}
