using Kernel.Update.Rollback.Store.Chunking;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Chunking;

public class GearTableTests
{
    [Fact]
    public void TableIsSplitMix64FromTheDocumentedSeed()
    {
        Assert.Equal(0x6B75722D63646331UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian("kur-cdc1"u8));
        ulong state = GearTable.Seed;
        var table = GearTable.Values;
        Assert.Equal(256, table.Length);
        for (int i = 0; i < table.Length; i++)
            Assert.Equal(ChunkingTestData.SplitMix64(ref state), table[i]);
    }

    [Fact]
    public void ValuesAreDistinctAndBalanced()
    {
        var table = GearTable.Values.ToArray();
        Assert.Equal(256, table.Distinct().Count());
        double meanBits = table.Average(v => (double)ulong.PopCount(v));
        Assert.InRange(meanBits, 30, 34);
    }
}
