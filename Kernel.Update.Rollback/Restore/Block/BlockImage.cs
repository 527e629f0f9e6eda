using Kernel.Update.Rollback.Durability;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Restore.Block;

/// <summary>
/// A live block component opened for comparing or rolling back: a device (O_DIRECT, so reads see the device and
/// not a cache, and writes go to it) or an image file. Rolling back writes only the chunks that differ, at their
/// fixed offsets, then fdatasync (a device flushes its write cache) and reads every written chunk back to prove
/// it. A device mounted read-write is refused: writing under a mounted file system corrupts it.
/// </summary>
public sealed class BlockImage : IDisposable
{
    private const int ReadLength = 1 << 20;

    private BlockImage(string component, string path, SafeFileHandle handle, bool device, long size)
    {
        Component = component;
        Path = path;
        Handle = handle;
        IsDevice = device;
        Size = size;
    }

    public string Component { get; }
    public string Path { get; }
    public SafeFileHandle Handle { get; }
    public bool IsDevice { get; }
    public long Size { get; }

    /// <param name="force">open for writing even while mounted read-write.</param>
    public static BlockImage Open(string component, string path, bool writable, bool force = false)
    {
        var status = StatOrThrow(component, path);
        bool device = status.Kind == FileKind.BlockDevice;
        if (writable && !force)
            RefuseIfMounted(component, path, status);
        SafeFileHandle handle;
        try
        {
            handle = Posix.Open(path, (writable ? OpenFlags.ReadWrite : OpenFlags.ReadOnly) | (device ? OpenFlags.Direct : OpenFlags.None));
        }
        catch (NativeException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {component}: block {path} cannot be opened: {e.Message}");
        }
        return new BlockImage(component, path, handle, device, device ? BlockDevice.GetSize(handle) : status.Size);
    }

    /// <summary>Refuses a device mounted read-write anywhere (an image file is not checked: it is not mounted as such).</summary>
    public static void RefuseIfMounted(string component, string path) => RefuseIfMounted(component, path, StatOrThrow(component, path));

    private static void RefuseIfMounted(string component, string path, in FileStatus status)
    {
        if (status.Kind != FileKind.BlockDevice)
            return;
        var mounts = MountTable.ReadWriteMounts(status.RDev);
        if (mounts.Count > 0)
            throw new RollbackException(RollbackErrorKind.InvalidState,
                $"component {component}: block device {path} is mounted read-write at {string.Join(", ", mounts)}; unmount it (or remount it read-only) before rolling it back, or accept the risk with --force");
    }

    private static FileStatus StatOrThrow(string component, string path)
    {
        try
        {
            var status = Posix.Stat(path);
            if (status.Kind is not (FileKind.BlockDevice or FileKind.Regular))
                throw new RollbackException(RollbackErrorKind.InvalidInput, $"component {component}: block {path} is a {status.Kind}, not a block device or image file");
            return status;
        }
        catch (NativeException e)
        {
            throw new RollbackException(e.Errno == (int)Errno.ENOENT ? RollbackErrorKind.NotFound : RollbackErrorKind.Failed,
                $"component {component}: block {path} cannot be found: {e.Message}");
        }
    }

    /// <summary>Reads the whole device and lists the chunks that differ from <paramref name="target"/>.</summary>
    public BlockPlan Compare(Store.Manifests.ManifestEntry target, CancellationToken cancellation = default)
    {
        BlockPlan.RequireSameSize(Component, Size, target.Size);
        var differing = new List<int>();
        if (target.Chunks.Length == 0)
            return new BlockPlan(target, differing);
        int chunkSize = target.Chunks[0].Length;
        using var buffer = new AlignedBuffer(ReadLength, 4096, zero: false);
        int index = 0;
        for (long position = 0; position < Size; position += ReadLength)
        {
            cancellation.ThrowIfCancellationRequested();
            int want = (int)Math.Min(ReadLength, Size - position);
            var span = buffer.GetSpan()[..want];
            ReadExactly(span, position);
            for (int at = 0; at < want; at += chunkSize, index++)
                if (Capture.ZeroChunks.HashOf(span.Slice(at, Math.Min(chunkSize, want - at))) != target.Chunks[index].Hash)
                    differing.Add(index);
        }
        return new BlockPlan(target, differing);
    }

    /// <summary>Writes the plan's chunks from <paramref name="source"/>, makes them durable, and reads each back to prove it.</summary>
    public void Write(BlockPlan plan, IChunkSource source, CancellationToken cancellation = default)
    {
        BlockPlan.RequireSameSize(Component, Size, plan.Target.Size);
        if (plan.Differing.Count == 0)
            return;
        int chunkSize = plan.ChunkSize;
        using var buffer = new AlignedBuffer(Math.Max(chunkSize, 4096), 4096, zero: false);
        foreach (int index in plan.Differing)
        {
            cancellation.ThrowIfCancellationRequested();
            var chunk = plan.Target.Chunks[index];
            var span = buffer.GetSpan()[..chunk.Length];
            source.Read(chunk.Hash, span);
            try
            {
                DiskSteps.Write(Handle, span, (long)index * chunkSize);
            }
            catch (IOException e)
            {
                throw new RollbackException(RollbackErrorKind.Failed, $"component {Component}: block {Path} cannot be written at offset {(long)index * chunkSize}: {e.Message}");
            }
        }
        DiskSteps.FDataSync(Handle);
        Span<byte> digest = stackalloc byte[Hash256.Size];
        foreach (int index in plan.Differing)
        {
            var chunk = plan.Target.Chunks[index];
            var span = buffer.GetSpan()[..chunk.Length];
            ReadExactly(span, (long)index * chunkSize);
            SHA256.HashData(span, digest);
            if (Hash256.Read(digest) != chunk.Hash)
                throw new RollbackException(RollbackErrorKind.CorruptedData,
                    $"component {Component}: block {Path} returned other data at offset {(long)index * chunkSize} than was just written and flushed (a failing device?)");
        }
    }

    private void ReadExactly(Span<byte> span, long position)
    {
        int got;
        try
        {
            got = RandomAccess.Read(Handle, span, position);
        }
        catch (IOException e)
        {
            throw new RollbackException(RollbackErrorKind.Failed, $"component {Component}: block {Path} cannot be read at offset {position}: {e.Message}");
        }
        if (got != span.Length)
            throw new RollbackException(RollbackErrorKind.Failed, $"component {Component}: block {Path} ended at {position + got}, before {Size} bytes");
    }

    public void Dispose() => Handle.Dispose();
}
