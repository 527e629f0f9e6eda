using Kernel.Update.Rollback.Native;
using Xunit;

namespace Kernel.Update.Rollback.Tests.Native;

public sealed class AlignedBufferTests
{
    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    [InlineData(65536)]
    public unsafe void BuffersAreAlignedAndZeroed(int alignment)
    {
        using var buffer = new AlignedBuffer(8192, alignment);
        Assert.Equal(0, (nint)buffer.Pointer % alignment);
        Assert.True(buffer.GetSpan().IndexOfAnyExcept((byte)0) < 0);
        using var pin = buffer.Memory.Pin();
        Assert.Equal((nint)buffer.Pointer, (nint)pin.Pointer);
    }

    [Fact]
    public void NonPowerOfTwoAlignmentIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(4096, 1000));
    }

    [Fact]
    public void ThePoolReusesReturnedBuffersClearedAndCountsRentals()
    {
        using var pool = new AlignedBufferPool(4096, maxRetained: 1);
        AlignedBuffer a = pool.Rent();
        a.GetSpan().Fill(0xAA);
        pool.Return(a);

        AlignedBuffer b = pool.Rent();
        Assert.Same(a, b);
        Assert.True(b.GetSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(1, pool.CurrentlyRented);
        pool.Return(b);
        Assert.Equal(0, pool.CurrentlyRented);
    }

    [Fact]
    public void ReturningTwiceOrToAnotherPoolThrows()
    {
        using var pool = new AlignedBufferPool(4096);
        using var other = new AlignedBufferPool(4096);
        AlignedBuffer a = pool.Rent();
        Assert.Throws<ArgumentException>(() => other.Return(a));
        pool.Return(a);
        Assert.Throws<InvalidOperationException>(() => pool.Return(a));
    }

    [Fact]
    public void UsingADisposedBufferThrows()
    {
        var buffer = new AlignedBuffer(4096);
        ((IDisposable)buffer).Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan());
    }
}
