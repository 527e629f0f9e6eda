using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Operations;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>The rollback of a block component (an image file) with the power cut after each durable step: after
/// recover the image is byte for byte the target or as it was, and the tree beside it is untouched.</summary>
public sealed class BlockRollbackCrashTests(ITestOutputHelper output)
{
    private const string Components = """
        { "name": "firmware", "category": "KernelCore", "block": "images/firmware.img" },
        { "name": "config", "category": "Configuration", "path": "etc" }
        """;

    [Fact]
    public async Task ABlockRollbackCutAtAnyDurableStepLeavesTheImageAtTheTargetOrAsItWas()
    {
        using var bed = new CrashBed(Components);
        string image = bed.Live("images/firmware.img");
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        var v1 = new byte[2 << 20];
        for (int i = 0; i < v1.Length; i += 4096)
            TestFiles.RandomBytes(i, 1024).CopyTo(v1, i); // compressible, every chunk different
        File.WriteAllBytes(image, v1);
        Directory.CreateDirectory(bed.Live("etc"));
        File.WriteAllText(bed.Live("etc/app.conf"), "x=1\n");
        var target = bed.Snapshot("v1");

        var v2 = (byte[])v1.Clone();
        foreach (int chunk in new[] { 1, 7, 8, 30 })
            TestFiles.RandomBytes(100 + chunk, 64 << 10).CopyTo(v2, chunk * (64 << 10));
        File.WriteAllBytes(image, v2);
        File.WriteAllText(bed.Live("etc/app.conf"), "x=2\n");
        var config = bed.Fingerprint("etc");

        using var explorer = new CrashExplorer(bed.Root);
        await explorer.ExploreAsync(
            () => bed.System.RollBackAsync(new RollbackRequest(target.Id, ["firmware"], true, true, "crash-test")),
            bed.RecoverAsync,
            () =>
            {
                bed.AssertNothingInterrupted();
                bed.AssertStoreVerifies();
                var now = File.ReadAllBytes(image);
                Assert.True(now.AsSpan().SequenceEqual(v1) || now.AsSpan().SequenceEqual(v2), "the image is neither the target nor as it was");
                Assert.Empty(bed.Fingerprint("etc").Differences(config));
            },
            seeds: 4);
        output.WriteLine($"block rollback: {explorer.Steps} durable steps, {explorer.States} crash states explored, all recovered");
        Assert.True(explorer.States >= explorer.Steps * 3, $"only {explorer.States} crash states for {explorer.Steps} steps");
    }
}
