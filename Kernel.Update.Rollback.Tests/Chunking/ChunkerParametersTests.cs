using Kernel.Update.Rollback.Store.Chunking;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Chunking;

public class ChunkerParametersTests
{
    [Theory]
    [InlineData(63, 256, 1024)]          // minimum below the gear window
    [InlineData(4096, 12288, 65536)]     // average not a power of two
    [InlineData(64, 128, 1024)]          // average too small
    [InlineData(32768, 16384, 65536)]    // minimum above the average
    [InlineData(4096, 16384, 8192)]      // maximum below the average
    [InlineData(4096, 16384, (256 << 20) + 1)] // maximum above the supported one
    [InlineData(0, 0, 0)]
    [InlineData(-1, 16384, 65536)]
    [InlineData(4096, -16384, 65536)]
    public void InvalidSizesThrowArgumentException(int min, int avg, int max)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ChunkerParameters(min, avg, max));
    }

    [Fact]
    public void ValidSizesAreKept()
    {
        var p = new ChunkerParameters(4096, 16384, 65536);
        Assert.Equal(4096, p.MinSize);
        Assert.Equal(16384, p.AvgSize);
        Assert.Equal(65536, p.MaxSize);
        Assert.True(p.IsInitialized);
        Assert.Equal(p, ChunkerParameters.ForAverage(16384));
    }

    [Fact]
    public void MasksAreTwoBitsEitherSideOfTheAverage()
    {
        var p = ChunkerParameters.ForAverage(1 << 16);
        Assert.Equal(18UL, ulong.PopCount(p.MaskSmall));
        Assert.Equal(14UL, ulong.PopCount(p.MaskLarge));
        Assert.Equal(~0UL << 46, p.MaskSmall);
    }

    [Fact]
    public void DefaultParametersAreRejectedByTheChunker()
    {
        var data = new byte[1000];
        Assert.False(default(ChunkerParameters).IsInitialized);
        Assert.Throws<ArgumentException>(() => FastCdc.NextCut(data, default, isFinal: true));
        Assert.Throws<ArgumentException>(() => FastCdc.Chunks(data, default));
        Assert.Throws<ArgumentException>(() => new StreamChunker(default));
    }
}
