using Kernel.Update.Rollback.Restore.Block;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>How a block rollback groups the chunks it writes: adjacent differing chunks into one run (one write and one
/// read-back), never past the run limit, and a short last chunk where the image ends.</summary>
public sealed class BlockPlanRunTests
{
    private static BlockPlan Plan(int chunks, int lastLength, params int[] differing)
    {
        var refs = new ChunkRef[chunks];
        for (int i = 0; i < chunks; i++)
            refs[i] = new ChunkRef(Hash256.Compute(BitConverter.GetBytes(i)), i == chunks - 1 ? lastLength : 4096);
        var image = new ManifestEntry { Path = "image", Kind = EntryKind.Regular, Size = (chunks - 1) * 4096L + lastLength, Chunks = refs };
        return new BlockPlan(image, [.. differing]);
    }

    [Fact]
    public void AdjacentChunksGoTogetherUpToTheLimitAndGapsSplitRuns()
    {
        var runs = Plan(20, 4096, 0, 1, 2, 3, 4, 7, 9, 10).Runs(3 * 4096);
        Assert.Equal(
            [new BlockPlan.Run(0, 3, 3 * 4096), new BlockPlan.Run(3, 2, 2 * 4096), new BlockPlan.Run(7, 1, 4096), new BlockPlan.Run(9, 2, 2 * 4096)],
            runs);
    }

    [Fact]
    public void TheShortLastChunkEndsItsRunAndNothingDifferingMeansNoRuns()
    {
        Assert.Equal([new BlockPlan.Run(8, 2, 4096 + 100)], Plan(10, 100, 8, 9).Runs(1 << 20));
        Assert.Empty(Plan(10, 100).Runs(1 << 20));
    }

    [Fact]
    public void AChunkLargerThanTheLimitIsARunOfItsOwn()
    {
        Assert.Equal([new BlockPlan.Run(0, 1, 4096), new BlockPlan.Run(1, 1, 4096)], Plan(4, 4096, 0, 1).Runs(1000));
    }
}
