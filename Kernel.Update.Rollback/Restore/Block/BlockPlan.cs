using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore.Block;

/// <summary>
/// What it takes to make a live block component equal to its snapshot: the indices of the fixed chunks whose
/// content differs. From a manifest of the live device taken just before (a rollback's safety point), or by
/// reading the device (<see cref="BlockImage.Compare"/>).
/// </summary>
public sealed class BlockPlan(ManifestEntry target, List<int> differing)
{
    public ManifestEntry Target { get; } = target;

    /// <summary>Indices into <see cref="Target"/>'s chunks, ascending.</summary>
    public List<int> Differing { get; } = differing;

    /// <summary>The size of every chunk but the last, which the image's chunk list fixes.</summary>
    public int ChunkSize => Target.Chunks.Length == 0 ? 0 : Target.Chunks[0].Length;

    public long BytesToWrite
    {
        get
        {
            long bytes = 0;
            foreach (int index in Differing)
                bytes += Target.Chunks[index].Length;
            return bytes;
        }
    }

    /// <summary>A stretch of adjacent differing chunks: <see cref="Count"/> chunks from <see cref="First"/>, <see cref="Length"/> bytes.</summary>
    public readonly record struct Run(int First, int Count, int Length);

    /// <summary>The differing chunks as runs of adjacent ones, each at most <paramref name="maxLength"/> bytes (or one chunk).</summary>
    public List<Run> Runs(int maxLength)
    {
        var runs = new List<Run>();
        int first = -1, count = 0, length = 0;
        foreach (int index in Differing)
        {
            int chunk = Target.Chunks[index].Length;
            if (count > 0 && index == first + count && length + chunk <= maxLength)
            {
                count++;
                length += chunk;
                continue;
            }
            if (count > 0)
                runs.Add(new Run(first, count, length));
            (first, count, length) = (index, 1, chunk);
        }
        if (count > 0)
            runs.Add(new Run(first, count, length));
        return runs;
    }

    public static ManifestEntry ImageOf(Manifest manifest, string component)
    {
        var image = manifest.Find(BlockCapture.ImageName)
            ?? throw new RollbackException(RollbackErrorKind.CorruptedData, $"component {component}: its manifest has no {BlockCapture.ImageName} entry");
        // Chunk i is compared and written at offset i × size: only fixed chunks (all but the last of one size) allow that.
        for (int i = 1; i < image.Chunks.Length - 1; i++)
            if (image.Chunks[i].Length != image.Chunks[0].Length)
                throw new RollbackException(RollbackErrorKind.InvalidState,
                    $"component {component}: its snapshot holds chunks of varying size (content-defined), which a block comparison or rollback cannot use");
        return image;
    }

    /// <summary>Compares two manifests of the same device chunk by chunk.</summary>
    public static BlockPlan Compare(Manifest live, Manifest target, string component)
    {
        var now = ImageOf(live, component);
        var wanted = ImageOf(target, component);
        RequireSameSize(component, now.Size, wanted.Size);
        var differing = new List<int>();
        for (int i = 0; i < wanted.Chunks.Length; i++)
            if (i >= now.Chunks.Length || now.Chunks[i] != wanted.Chunks[i])
                differing.Add(i);
        return new BlockPlan(wanted, differing);
    }

    public static void RequireSameSize(string component, long live, long target)
    {
        if (live != target)
            throw new RollbackException(RollbackErrorKind.InvalidState,
                $"component {component}: the device is {live} bytes but its recovery point holds {target}; a rollback writes a device of the same size only");
    }
}
