using Kernel.Update.Rollback.Durability;
using System.Buffers;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// Recreates component trees from their manifests in empty directories, in three steps so that the content of every
/// tree is written in one pass on all cores (a frame holding several components' chunks is decoded once):
/// <see cref="CreateDirectories"/> for each tree, <see cref="WriteFiles"/> for all, <see cref="Finish"/> for each. A
/// regular file gets its metadata while it is still open, from the worker that wrote it (a large one then goes to a
/// <see cref="WritebackStarter"/>); links and special files follow, and directories get theirs last, deepest first, so
/// creating children never disturbs a directory's restored mtime. Ownership before mode (chown clears setuid) and
/// before xattrs (chown drops security.capability).
/// Every name was checked when the manifest was decoded, and the tree is built from nothing, so no write
/// can pass through a symlink.
/// </summary>
internal sealed class TreeMaterializer(RecoveryStore store, ILogger logger)
{
    private readonly bool _privileged = Environment.IsPrivilegedProcess;
    private int _ownershipWarned;

    /// <summary>A component tree being recreated at <see cref="Target"/>.</summary>
    public sealed class Tree(string component, Manifest manifest, string target)
    {
        public string Component { get; } = component;
        public Manifest Manifest { get; } = manifest;
        public string Target { get; } = target;
        public string Full(string relative) => relative.Length == 0 ? Target : Target + "/" + relative;
    }

    /// <summary>Creates the tree's directories (with default modes; <see cref="Finish"/> sets theirs).</summary>
    public Tree CreateDirectories(string componentName, Manifest manifest, string target)
    {
        var tree = new Tree(componentName, manifest, target);
        foreach (var entry in manifest.Entries)
            if (entry.Kind == EntryKind.Directory)
                DiskSteps.CreateDirectory(tree.Full(entry.Path));
        return tree;
    }

    /// <summary>Writes every regular file of <paramref name="trees"/>, content and metadata, on all cores.</summary>
    public void WriteFiles(IReadOnlyList<Tree> trees, CancellationToken cancellation)
    {
        var files = new List<(Tree Tree, ManifestEntry Entry)>();
        foreach (var tree in trees)
            foreach (var entry in tree.Manifest.Entries)
                if (entry.Kind == EntryKind.Regular)
                    files.Add((tree, entry));
        using var writeback = new WritebackStarter();
        ContentWorkers.Run(store, files, static f => f.Entry, (reader, f) => WriteFile(f.Tree, f.Entry, reader, writeback), cancellation);
    }

    /// <summary>Creates the tree's links and special files, then sets the metadata of all but its regular files.</summary>
    public void Finish(Tree tree)
    {
        var entries = tree.Manifest.Entries;
        foreach (var entry in entries)
        {
            string path = tree.Full(entry.Path);
            try
            {
                switch (entry.Kind)
                {
                    case EntryKind.Symlink:
                        DiskSteps.Symlink(entry.LinkTarget!, path);
                        break;
                    case EntryKind.HardLink:
                        DiskSteps.Link(tree.Full(entry.LinkTarget!), path);
                        break;
                    case EntryKind.Fifo:
                        DiskSteps.MkNod(path, FileKind.Fifo, entry.Mode, 0);
                        break;
                    case EntryKind.CharDevice:
                    case EntryKind.BlockDevice:
                        if (!_privileged)
                        {
                            WarnUnprivileged(tree.Component, path, "device nodes need root");
                            continue;
                        }
                        DiskSteps.MkNod(path, entry.Kind == EntryKind.CharDevice ? FileKind.CharDevice : FileKind.BlockDevice, entry.Mode, entry.RDev);
                        break;
                }
            }
            catch (NativeException e)
            {
                throw new RollbackException(RollbackErrorKind.Failed, $"component {tree.Component}: cannot create {path}: {e.Message}");
            }
        }

        foreach (var entry in entries)
            if (entry.Kind is not (EntryKind.Directory or EntryKind.HardLink or EntryKind.Regular))
                ApplyMetadata(tree.Component, entry, tree.Full(entry.Path));
        for (int i = entries.Count - 1; i >= 0; i--)
            if (entries[i].Kind == EntryKind.Directory)
                ApplyMetadata(tree.Component, entries[i], tree.Full(entries[i].Path));
        Log.ComponentRestored(logger, tree.Component, tree.Target, entries.Count);
    }

    private void WriteFile(Tree tree, ManifestEntry entry, IChunkSource reader, WritebackStarter writeback)
    {
        string path = tree.Full(entry.Path);
        SafeFileHandle? handle = null;
        try
        {
            handle = DiskSteps.CreateFile(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow, 0b110_000_000);
            ContentWriter.Write(handle, entry, reader);
            if (entry.IsSparse)
                DiskSteps.SetLength(handle, entry.Size);
            ApplyMetadata(tree.Component, entry, path, handle);
            if (writeback.TryTake(handle, entry.Size))
                handle = null;
        }
        catch (NativeException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {tree.Component}: cannot write {path}: {e.Message}");
        }
        catch (IOException e) when (e is not NativeException)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {tree.Component}: cannot write {path}: {e.Message}");
        }
        catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
        {
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"component {tree.Component}: file {entry.Path}: {e.Message}");
        }
        finally
        {
            handle?.Dispose();
        }
    }

    /// <summary>Sets an entry's owner, mode, xattrs and times: through <paramref name="open"/> when the file is open, else by path.</summary>
    private void ApplyMetadata(string componentName, ManifestEntry entry, string path, SafeFileHandle? open = null)
    {
        try
        {
            try
            {
                if (open is null)
                    DiskSteps.LChown(path, entry.Uid, entry.Gid);
                else
                    DiskSteps.FChown(open, entry.Uid, entry.Gid);
            }
            catch (NativeException e) when (!_privileged && e.Error == Errno.EPERM)
            {
                WarnUnprivileged(componentName, path, "ownership needs root");
            }
            if (open is not null)
                DiskSteps.FChmod(open, entry.Mode);
            else if (entry.Kind != EntryKind.Symlink)
                DiskSteps.Chmod(path, entry.Mode);
            foreach (var xattr in entry.Xattrs)
            {
                try
                {
                    if (open is null)
                        DiskSteps.SetXattr(path, xattr.Name, xattr.Value);
                    else
                        DiskSteps.FSetXattr(open, xattr.Name, xattr.Value);
                }
                catch (NativeException e) when (!_privileged && e.Error is Errno.EPERM or Errno.EACCES)
                {
                    WarnUnprivileged(componentName, path, $"extended attribute {xattr.Name} needs root");
                }
            }
            if (open is null)
                DiskSteps.SetTimes(path, entry.MTimeSeconds, entry.MTimeNanoseconds);
            else
                DiskSteps.FUtimens(open, entry.MTimeSeconds, entry.MTimeNanoseconds);
        }
        catch (NativeException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {componentName}: cannot set metadata of {path}: {e.Message}");
        }
    }

    private void WarnUnprivileged(string componentName, string path, string what)
    {
        if (Interlocked.Exchange(ref _ownershipWarned, 1) == 0)
            logger.LogWarning("Component {Component}: not running as root, so {What}; skipped from {Path} on", componentName, what, path);
    }
}

/// <summary>Writes a file's chunks at their offsets, mapping the chunk stream onto the data extents of a sparse file.</summary>
internal static class ContentWriter
{
    public static void Write(SafeFileHandle handle, ManifestEntry entry, IChunkSource reader)
    {
        var extents = entry.Extents;
        int extentIndex = 0;
        long extentOffset = extents is null ? 0 : extents.Length > 0 ? extents[0].Offset : 0;
        long extentRemaining = extents is null ? entry.Size : extents.Length > 0 ? extents[0].Length : 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            foreach (var chunk in entry.Chunks)
            {
                if (buffer.Length < chunk.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(chunk.Length);
                }
                var data = buffer.AsSpan(0, chunk.Length);
                reader.Read(chunk.Hash, data);
                while (data.Length > 0)
                {
                    while (extentRemaining == 0)
                    {
                        extentIndex++;
                        extentOffset = extents![extentIndex].Offset;
                        extentRemaining = extents[extentIndex].Length;
                    }
                    int part = (int)Math.Min(data.Length, extentRemaining);
                    DiskSteps.Write(handle, data[..part], extentOffset);
                    extentOffset += part;
                    extentRemaining -= part;
                    data = data[part..];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
