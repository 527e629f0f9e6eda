using Kernel.Update.Rollback.Durability;
using System.Buffers;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;
using Microsoft.Extensions.Logging;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// Recreates a component tree from its manifest in an empty directory: structure first, file content on
/// all cores, then links and special files, then metadata — files first, directories last and deepest
/// first, so creating children never disturbs a directory's restored mtime. Ownership before mode (chown
/// clears setuid) and before xattrs (chown drops security.capability).
/// Every name was checked when the manifest was decoded, and the tree is built from nothing, so no write
/// can pass through a symlink.
/// </summary>
internal sealed class TreeMaterializer(RecoveryStore store, ILogger logger)
{
    private readonly bool _privileged = Environment.IsPrivilegedProcess;
    private int _ownershipWarned;

    public void Materialize(string componentName, Manifest manifest, string target, CancellationToken cancellation)
    {
        string Full(string relative) => relative.Length == 0 ? target : target + "/" + relative;

        var files = new List<ManifestEntry>();
        foreach (var entry in manifest.Entries)
        {
            switch (entry.Kind)
            {
                case EntryKind.Directory:
                    DiskSteps.CreateDirectory(Full(entry.Path));
                    break;
                case EntryKind.Regular:
                    files.Add(entry);
                    break;
            }
        }

        WriteFiles(componentName, files, Full, cancellation);

        foreach (var entry in manifest.Entries)
        {
            string path = Full(entry.Path);
            try
            {
                switch (entry.Kind)
                {
                    case EntryKind.Symlink:
                        DiskSteps.Symlink(entry.LinkTarget!, path);
                        break;
                    case EntryKind.HardLink:
                        DiskSteps.Link(Full(entry.LinkTarget!), path);
                        break;
                    case EntryKind.Fifo:
                        DiskSteps.MkNod(path, FileKind.Fifo, entry.Mode, 0);
                        break;
                    case EntryKind.CharDevice:
                    case EntryKind.BlockDevice:
                        if (!_privileged)
                        {
                            WarnUnprivileged(componentName, path, "device nodes need root");
                            continue;
                        }
                        DiskSteps.MkNod(path, entry.Kind == EntryKind.CharDevice ? FileKind.CharDevice : FileKind.BlockDevice, entry.Mode, entry.RDev);
                        break;
                }
            }
            catch (NativeException e)
            {
                throw new RollbackException(RollbackErrorKind.Failed, $"component {componentName}: cannot create {path}: {e.Message}");
            }
        }

        foreach (var entry in manifest.Entries)
            if (entry.Kind is not (EntryKind.Directory or EntryKind.HardLink))
                ApplyMetadata(componentName, entry, Full(entry.Path));
        for (int i = manifest.Entries.Count - 1; i >= 0; i--)
            if (manifest.Entries[i].Kind == EntryKind.Directory)
                ApplyMetadata(componentName, manifest.Entries[i], Full(manifest.Entries[i].Path));
        Log.ComponentRestored(logger, componentName, target, manifest.Entries.Count);
    }

    private void WriteFiles(string componentName, List<ManifestEntry> files, Func<string, string> full, CancellationToken cancellation) =>
        ContentWorkers.Run(store, files, static e => e, (reader, entry) => WriteFile(componentName, entry, full(entry.Path), reader), cancellation);

    private static void WriteFile(string componentName, ManifestEntry entry, string path, IChunkSource reader)
    {
        try
        {
            using var handle = DiskSteps.CreateFile(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow, 0b110_000_000);
            ContentWriter.Write(handle, entry, reader);
            if (entry.IsSparse)
                DiskSteps.SetLength(handle, entry.Size);
        }
        catch (NativeException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {componentName}: cannot write {path}: {e.Message}");
        }
        catch (IOException e) when (e is not NativeException)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {componentName}: cannot write {path}: {e.Message}");
        }
        catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
        {
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"component {componentName}: file {entry.Path}: {e.Message}");
        }
    }

    private void ApplyMetadata(string componentName, ManifestEntry entry, string path)
    {
        try
        {
            try
            {
                DiskSteps.LChown(path, entry.Uid, entry.Gid);
            }
            catch (NativeException e) when (!_privileged && e.Error == Errno.EPERM)
            {
                WarnUnprivileged(componentName, path, "ownership needs root");
            }
            if (entry.Kind != EntryKind.Symlink)
                DiskSteps.Chmod(path, entry.Mode);
            foreach (var xattr in entry.Xattrs)
            {
                try
                {
                    DiskSteps.SetXattr(path, xattr.Name, xattr.Value);
                }
                catch (NativeException e) when (!_privileged && e.Error is Errno.EPERM or Errno.EACCES)
                {
                    WarnUnprivileged(componentName, path, $"extended attribute {xattr.Name} needs root");
                }
            }
            DiskSteps.SetTimes(path, entry.MTimeSeconds, entry.MTimeNanoseconds);
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
    public static void Write(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ManifestEntry entry, IChunkSource reader)
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
