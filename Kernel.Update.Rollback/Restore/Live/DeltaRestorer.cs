using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// Makes a live component tree equal to its snapshot by applying a <see cref="LivePlan"/>: removes what the
/// snapshot lacks, writes each new or changed file, symlink or node under a temporary name and renames it over
/// its name (readers see the old or the new, never half), creates what is missing, then fixes owners, modes,
/// xattrs and times once every name is in place, in two halves (<see cref="WriteContent"/>, then
/// <see cref="SetMetadata(ComponentTree, ContentWritten)"/>) after which the caller makes everything durable
/// (<see cref="TreeRestores"/>, one syncfs for several components). Every step is idempotent: after a crash the plan is
/// recomputed from what is live, comparing by content every file the interrupted run may have rewritten, and the rest is done.
/// All access is through <see cref="ComponentTree"/>: nothing is written through a symlink or outside the component.
/// </summary>
public sealed class DeltaRestorer(RecoveryStore store, ILogger logger)
{
    private const string TempPrefix = ".kur-restore-";
    private int _temp;

    /// <summary>What <see cref="WriteContent"/> did, for <see cref="SetMetadata(ComponentTree, ContentWritten)"/>.</summary>
    public sealed class ContentWritten(LivePlan plan, HashSet<string> changedDirectories, int cloned)
    {
        public LivePlan Plan { get; } = plan;
        public HashSet<string> ChangedDirectories { get; } = changedDirectories;
        public int Cloned { get; } = cloned;
    }

    /// <summary>
    /// The first half of a restore: removes, creates and writes (content under temporary names, renamed over).
    /// Nothing is durable until the caller syncs after <see cref="SetMetadata(ComponentTree, ContentWritten)"/>: a file
    /// system may keep an inode's times while it loses its unsynced data (XFS shows such files as zeros), so after a
    /// power cut the resumed run must not trust size and mtime for the files this operation rewrites (the caller names
    /// them to <see cref="LiveTreeComparer.Compare"/>).
    /// </summary>
    /// <param name="stage">chunks validation already decoded and proved, or null to read every chunk from the packs.</param>
    /// <param name="clones">files to create paired with live files holding their content (<see cref="ReflinkSources"/>), or null.</param>
    public ContentWritten WriteContent(ComponentTree tree, LivePlan plan, CancellationToken cancellation = default, ChunkStage? stage = null,
        IReadOnlyDictionary<ManifestEntry, ManifestEntry>? clones = null)
    {
        var manifest = plan.Manifest;
        // Before anything is removed: the live files cloned from may be among the names the plan removes.
        var cloned = CloneFromLive(tree, clones, cancellation);
        // Adding, removing or renaming a name moves its directory's mtime: only those directories need theirs set back.
        var changedDirectories = new HashSet<string>(StringComparer.Ordinal);
        if (clones is { Count: > 0 })
            changedDirectories.Add(""); // clones are made, or tried, under temporary names in the root
        foreach (string path in plan.Remove)
            changedDirectories.Add(Parent(path));
        // On all cores: the plan removes topmost names only, none inside another, and an unlink is mostly waiting (for
        // the inode's blocks to be freed, and discarded on a file system mounted with discard).
        Workers.ForEach(plan.Remove, path => Guard(tree, path, "remove", () =>
        {
            var (dir, name) = OpenParent(tree, path);
            using (dir)
                RemoveTree(dir, name);
        }), cancellation);

        // Directories, symlinks and nodes in manifest order (parents first), then file content on all cores.
        var files = new List<ManifestEntry>();
        var relinked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Entries)
        {
            cancellation.ThrowIfCancellationRequested();
            if (entry.Kind == EntryKind.HardLink || !plan.Create.Contains(entry) || entry.Path.Length == 0)
                continue;
            changedDirectories.Add(Parent(entry.Path));
            if (entry.Kind == EntryKind.Regular)
            {
                relinked.Add(entry.Path);
                if (cloned.TryGetValue(entry, out string? clone))
                    Guard(tree, entry.Path, "create", () => MoveClone(tree, clone, entry.Path));
                else
                    files.Add(entry);
                continue;
            }
            Guard(tree, entry.Path, "create", () => Create(tree, entry, null));
        }
        ContentWorkers.Run(store, files, static e => e, (reader, entry) => Guard(tree, entry.Path, "create", () => Create(tree, entry, reader)), cancellation, stage);
        foreach (var entry in manifest.Entries)
        {
            // A hard link is made again when it is wrong, or when the file it shares was just replaced.
            if (entry.Kind == EntryKind.HardLink && (plan.Create.Contains(entry) || relinked.Contains(entry.LinkTarget!)))
            {
                changedDirectories.Add(Parent(entry.Path));
                Guard(tree, entry.Path, "link", () => Link(tree, entry));
            }
        }
        return new ContentWritten(plan, changedDirectories, cloned.Count);
    }

    /// <summary>The second half of a restore, once every name is in place: owners, modes, xattrs and times, files and
    /// directories on all cores (no name changes any more, so no step moves another entry's times). The caller syncs
    /// before it records the component done.</summary>
    public void SetMetadata(ComponentTree tree, ContentWritten content)
    {
        var plan = content.Plan;
        var entries = new List<ManifestEntry>();
        foreach (var entry in plan.Manifest.Entries)
        {
            if (entry.Kind == EntryKind.HardLink)
                continue;
            bool touched = plan.Create.Contains(entry) || plan.FixMetadata.Contains(entry);
            if (touched || (entry.Kind == EntryKind.Directory && content.ChangedDirectories.Contains(entry.Path)))
                entries.Add(entry);
        }
        // On all cores, in any order: every name was made or removed in WriteContent, and setting an entry's owner,
        // mode, xattrs or times moves no other entry's times (only adding or removing names moves a directory's mtime).
        Workers.ForEach(entries, entry => Guard(tree, entry.Path, "set metadata of", () => SetMetadata(tree, entry)), CancellationToken.None);
        Log.LiveComponentRestored(logger, tree.ComponentName, plan.Remove.Count, plan.Create.Count, plan.FixMetadata.Count);
        if (content.Cloned > 0)
            Log.FilesCloned(logger, tree.ComponentName, content.Cloned);
    }

    /// <summary>
    /// Clones each paired live file into a temporary name in the component's root (it stays there through the removals),
    /// checking before and after that the live file is still as the safety point recorded it; the first clone the file
    /// system refuses (EOPNOTSUPP, EXDEV, EINVAL) ends the attempt, and every file not cloned is written from its chunks.
    /// </summary>
    private Dictionary<ManifestEntry, string> CloneFromLive(ComponentTree tree, IReadOnlyDictionary<ManifestEntry, ManifestEntry>? clones,
        CancellationToken cancellation)
    {
        var cloned = new Dictionary<ManifestEntry, string>(ReferenceEqualityComparer.Instance);
        if (clones is null || clones.Count == 0)
            return cloned;
        using var root = tree.OpenDirectory("");
        foreach (var (wanted, source) in clones)
        {
            cancellation.ThrowIfCancellationRequested();
            string temp = TempName();
            var outcome = Guard(tree, source.Path, "clone", () => CloneOne(tree, root, source, temp));
            if (outcome == CloneOutcome.Cloned)
                cloned[wanted] = temp;
            else if (outcome == CloneOutcome.Unsupported)
                break;
        }
        return cloned;
    }

    private enum CloneOutcome { Cloned, SourceChanged, Unsupported }

    private static CloneOutcome CloneOne(ComponentTree tree, SafeFileHandle root, ManifestEntry source, string temp)
    {
        var (dir, name) = OpenParent(tree, source.Path);
        using (dir)
        {
            SafeFileHandle from;
            try
            {
                from = Posix.OpenAt(dir, name, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.NoAccessTime);
            }
            catch (NativeException)
            {
                return CloneOutcome.SourceChanged; // gone or replaced by a symlink since the safety point
            }
            using (from)
            {
                if (!AsRecorded(Posix.FStat(from), source))
                    return CloneOutcome.SourceChanged;
                bool done = false;
                CreateExclusive(root, temp, () =>
                {
                    using var to = DiskSteps.CreateFileAt(root, temp, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow, 0b110_000_000);
                    done = DiskSteps.TryCloneFile(to, from);
                });
                if (done && AsRecorded(Posix.FStat(from), source))
                    return CloneOutcome.Cloned;
                DiskSteps.UnlinkAt(root, temp, removeDir: false);
                return done ? CloneOutcome.SourceChanged : CloneOutcome.Unsupported;
            }
        }
    }

    /// <summary>The live file is the one the safety point read or trusted: same inode, size, mtime and ctime.</summary>
    private static bool AsRecorded(in FileStatus status, ManifestEntry recorded) =>
        status.Kind == FileKind.Regular && status.Inode == recorded.Inode && status.Size == recorded.Size
        && status.MTimeSeconds == recorded.MTimeSeconds && status.MTimeNanoseconds == recorded.MTimeNanoseconds
        && status.CTimeSeconds == recorded.CTimeSeconds && status.CTimeNanoseconds == recorded.CTimeNanoseconds;

    /// <summary>Renames a clone from the component's root to its name; metadata follows with the other created entries.</summary>
    private static void MoveClone(ComponentTree tree, string temp, string path)
    {
        var (dir, name) = OpenParent(tree, path);
        using (dir)
        using (var root = tree.OpenDirectory(""))
        {
            if (Posix.TryLStatAt(dir, name, out var status) && status.Kind == FileKind.Directory)
                RemoveTree(dir, name);
            DiskSteps.RenameAt(root, temp, dir, name, RenameFlags.None);
        }
    }

    private void Create(ComponentTree tree, ManifestEntry entry, IChunkSource? reader)
    {
        var (dir, name) = OpenParent(tree, entry.Path);
        using (dir)
        {
            if (entry.Kind == EntryKind.Directory)
            {
                if (Posix.TryLStatAt(dir, name, out var status))
                {
                    if (status.Kind == FileKind.Directory)
                        return; // made by an earlier, interrupted run
                    RemoveTree(dir, name);
                }
                DiskSteps.CreateDirectoryAt(dir, name, 0b111_000_000);
                return;
            }
            string temp = TempName();
            CreateExclusive(dir, temp, () =>
            {
                switch (entry.Kind)
                {
                    case EntryKind.Regular:
                        using (var file = DiskSteps.CreateFileAt(dir, temp, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow, 0b110_000_000))
                        {
                            ContentWriter.Write(file, entry, reader!);
                            if (entry.IsSparse)
                                DiskSteps.SetLength(file, entry.Size);
                        }
                        break;
                    case EntryKind.Symlink:
                        DiskSteps.SymlinkAt(entry.LinkTarget!, dir, temp);
                        break;
                    case EntryKind.Fifo:
                        DiskSteps.MkNodAt(dir, temp, FileKind.Fifo, entry.Mode, 0);
                        break;
                    case EntryKind.CharDevice:
                    case EntryKind.BlockDevice:
                        DiskSteps.MkNodAt(dir, temp, entry.Kind == EntryKind.CharDevice ? FileKind.CharDevice : FileKind.BlockDevice, entry.Mode, entry.RDev);
                        break;
                }
            });
            ReplaceWith(dir, temp, name);
        }
    }

    private void Link(ComponentTree tree, ManifestEntry entry)
    {
        string target = entry.LinkTarget!;
        var (targetDir, targetName) = OpenParent(tree, target);
        var (dir, name) = OpenParent(tree, entry.Path);
        using (targetDir)
        using (dir)
        {
            string temp = TempName();
            CreateExclusive(dir, temp, () => DiskSteps.LinkAt(targetDir, targetName, dir, temp));
            ReplaceWith(dir, temp, name);
        }
    }

    /// <summary>Renames <paramref name="temp"/> over <paramref name="name"/>; a directory in the way (rename cannot replace one
    /// with a file: EISDIR) is removed and the rename made again. Trying first spares a stat of every name replaced.</summary>
    private static void ReplaceWith(SafeFileHandle dir, string temp, string name)
    {
        try
        {
            DiskSteps.RenameAt(dir, temp, dir, name, RenameFlags.None);
        }
        catch (NativeException e) when (e.Error is Errno.EISDIR or Errno.ENOTEMPTY)
        {
            RemoveTree(dir, name);
            DiskSteps.RenameAt(dir, temp, dir, name, RenameFlags.None);
        }
    }

    private static void SetMetadata(ComponentTree tree, ManifestEntry entry)
    {
        bool root = entry.Path.Length == 0;
        var (dir, name) = root ? (tree.OpenDirectory(""), ".") : OpenParent(tree, entry.Path);
        using (dir)
        {
            // Owner before mode (chown clears setuid/setgid) and before xattrs (chown drops security.capability).
            DiskSteps.FChownAt(dir, name, entry.Uid, entry.Gid);
            if (entry.Kind != EntryKind.Symlink)
                DiskSteps.FChmodAt(dir, name, entry.Mode);
            SetXattrs(dir, name, entry);
            DiskSteps.UtimensAt(dir, name, entry.MTimeSeconds, entry.MTimeNanoseconds);
        }
    }

    private static void SetXattrs(SafeFileHandle dir, string name, ManifestEntry entry)
    {
        // The root itself is addressed by its descriptor; anything else through its directory's descriptor.
        string path = name == "." ? $"/proc/self/fd/{dir.DangerousGetHandle()}/." : ComponentTree.XattrPath(dir, name);
        var present = new List<string>();
        if (name == "." || !Posix.TryListXattrsAt(dir, name, present))
            Posix.ListXattrs(path, present);
        foreach (string existing in present)
        {
            bool wanted = false;
            foreach (var xattr in entry.Xattrs)
                wanted |= xattr.Name == existing;
            if (!wanted)
                DiskSteps.RemoveXattr(path, existing);
        }
        foreach (var xattr in entry.Xattrs)
            DiskSteps.SetXattr(path, xattr.Name, xattr.Value);
    }

    /// <summary>Removes <paramref name="name"/> from <paramref name="dir"/>: a directory with all it holds, never following a symlink.</summary>
    private static void RemoveTree(SafeFileHandle dir, string name)
    {
        if (!Posix.TryLStatAt(dir, name, out var status))
            return;
        if (status.Kind == FileKind.Directory)
        {
            using (var child = Posix.OpenBeneath(dir, name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, 0,
                ResolveFlags.Beneath | ResolveFlags.NoSymlinks))
            {
                var names = new List<string>();
                Posix.ReadDirectory(child, names);
                foreach (string inner in names)
                    RemoveTree(child, inner);
            }
            DiskSteps.UnlinkAt(dir, name, removeDir: true);
            return;
        }
        DiskSteps.UnlinkAt(dir, name, removeDir: false);
    }

    private static (SafeFileHandle Directory, string Name) OpenParent(ComponentTree tree, string path) =>
        (tree.OpenDirectory(Parent(path)), path[(path.LastIndexOf('/') + 1)..]);

    private static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>A temporary name not used before by this process (its pid and a counter).</summary>
    private string TempName() => TempPrefix + Environment.ProcessId.ToString("x") + "-" + Interlocked.Increment(ref _temp).ToString("x");

    /// <summary>Runs <paramref name="create"/>, which makes <paramref name="temp"/> in <paramref name="dir"/> and fails with
    /// EEXIST if the name is taken: then a leftover of an interrupted run (the same pid after a reboot) is in the way, so it
    /// is removed and <paramref name="create"/> runs again. Trying first spares a stat of every temporary name.</summary>
    private static void CreateExclusive(SafeFileHandle dir, string temp, Action create)
    {
        try
        {
            create();
        }
        catch (NativeException e) when (e.Error == Errno.EEXIST)
        {
            RemoveTree(dir, temp);
            create();
        }
    }

    private static void Guard(ComponentTree tree, string path, string what, Action action) => Guard(tree, path, what, () =>
    {
        action();
        return true;
    });

    private static T Guard<T>(ComponentTree tree, string path, string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (NativeException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {tree.ComponentName}: cannot {what} {tree.Describe(path)}: {e.Message}");
        }
        catch (IOException e)
        {
            // Writes through a handle (ENOSPC, EIO) say neither the file nor the component: this is where both are known.
            throw new RollbackException(RollbackErrorKind.Failed, $"component {tree.ComponentName}: cannot {what} {tree.Describe(path)}: {e.Message}", e);
        }
        catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
        {
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"component {tree.ComponentName}: file {path}: {e.Message}");
        }
    }
}
