using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Tests.Store;

public sealed class VerifyTests
{
    private static StoreTestBed BedWithTwoPoints(out string firstId)
    {
        var bed = StoreTestBed.WithOneTree();
        var random = new Random(42);
        for (int i = 0; i < 20; i++)
        {
            var data = new byte[50_000 + i * 1000];
            random.NextBytes(data);
            File.WriteAllBytes(bed.Live($"tree/file{i:D2}.bin"), data);
        }
        File.WriteAllText(bed.Live("tree/config.txt"), string.Concat(Enumerable.Repeat("key = value\n", 5000)));
        firstId = bed.Snapshot("first").Id;
        File.AppendAllText(bed.Live("tree/config.txt"), "changed = yes\n");
        bed.Snapshot("second");
        return bed;
    }

    /// <summary>The second point adds one small pack; the first point's pack is the large one.</summary>
    private static string FirstPointPack(StoreTestBed bed) =>
        Directory.EnumerateFiles(Path.Combine(bed.Store, "packs"), "*.pack").OrderByDescending(f => new FileInfo(f).Length).First();

    private static void Flip(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x20));
    }

    [Fact]
    public void AnIntactStoreVerifiesClean()
    {
        using var bed = BedWithTwoPoints(out _);
        var report = bed.Verify();
        Assert.True(report.Clean, string.Join("\n", report.Problems));
        Assert.Equal(2, report.PointsChecked);
        Assert.True(report.ChunksChecked >= 21);
    }

    [Fact]
    public void AFlippedByteInEveryPositionOfAPackIsCaughtAndNamesThePointComponentAndFile()
    {
        using var bed = BedWithTwoPoints(out string firstId);
        string pack = FirstPointPack(bed);
        long length = new FileInfo(pack).Length;
        // Every region: header, entry headers and data, the last byte.
        foreach (long offset in new long[] { 0, 7, 8, 8 + 32, 8 + 40, 100, length / 3, length / 2, length - 1 })
        {
            Flip(pack, offset);
            var report = bed.Verify();
            Assert.False(report.Clean, $"flip at {offset} of {length} not caught");
            Assert.Contains(report.Problems, p => p.StoreFile == pack || p.Message.Contains(Path.GetFileName(pack)));
            if (offset >= 8)
                Assert.Contains(report.Problems, p => p.PointId == firstId && p.Component == "tree" && p.File is not null);
            Flip(pack, offset);
            Assert.True(bed.Verify().Clean);
        }
    }

    [Fact]
    public void AFlippedByteInAPackIndexIsCaught()
    {
        using var bed = BedWithTwoPoints(out _);
        string index = Path.ChangeExtension(FirstPointPack(bed), ".idx");
        Flip(index, new FileInfo(index).Length / 2);
        var report = bed.Verify();
        Assert.False(report.Clean);
        Assert.Contains(report.Problems, p => p.StoreFile.EndsWith(".pack") && p.Message.Contains(".idx"));
        Assert.Contains(report.Problems, p => p.Component == "tree" && p.File is not null);
    }

    [Fact]
    public void AFlippedByteInAManifestIsCaughtAndNamesItsPointAndComponent()
    {
        using var bed = BedWithTwoPoints(out string firstId);
        var first = RecoveryStore.Open(bed.Store).GetPoint(firstId);
        string manifest = Path.Combine(bed.Store, "manifests", first.Components[0].Manifest + ".mf");
        Flip(manifest, new FileInfo(manifest).Length - 3);
        var report = bed.Verify();
        Assert.Contains(report.Problems, p => p.PointId == firstId && p.Component == "tree");
    }

    [Fact]
    public void AFlippedByteInTheCatalogIsCaught()
    {
        using var bed = BedWithTwoPoints(out _);
        Flip(Path.Combine(bed.Store, "catalog"), 40);
        var report = bed.Verify();
        Assert.False(report.Clean);
        Assert.Contains(report.Problems, p => p.StoreFile.EndsWith("catalog"));
    }

    [Fact]
    public void ATruncatedPackIsCaught()
    {
        using var bed = BedWithTwoPoints(out _);
        string pack = FirstPointPack(bed);
        using (var stream = new FileStream(pack, FileMode.Open))
            stream.SetLength(stream.Length - 10);
        Assert.False(bed.Verify().Clean);
    }

    [Fact]
    public void VerifyingOnePointChecksOnlyWhatItUses()
    {
        using var bed = BedWithTwoPoints(out string firstId);
        var report = bed.Verify(firstId);
        Assert.True(report.Clean);
        Assert.Equal(1, report.PointsChecked);
        Assert.Equal(1, report.ManifestsChecked);
    }
}
