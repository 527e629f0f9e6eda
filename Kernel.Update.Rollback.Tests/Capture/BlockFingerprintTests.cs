using System.Security.Cryptography;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Capture;

/// <summary>
/// The chunk fingerprints kept beside a block component's manifest: a read of the device takes the compared point's
/// identity for a chunk whose fingerprint is unchanged, without hashing it; verify proves every fingerprint against
/// the chunk it stands for; damaged fingerprints of a rollback's target refuse the rollback before anything changes;
/// a point without fingerprints (an older store) is rolled back by hashing, as before.
/// </summary>
public sealed class BlockFingerprintTests
{
    private const int ChunkSize = 64 << 10;

    private static (StoreTestBed Bed, string Image, RecoveryPointRecord Point) ImageBed()
    {
        var bed = new StoreTestBed("""[{ "name": "kernel", "category": "KernelCore", "block": "kernel.img" }]""");
        string image = bed.Live("kernel.img");
        var content = new byte[4 << 20];
        new Random(21).NextBytes(content.AsSpan(0, 3 << 20)); // the last MiB stays zero, as unused space does
        File.WriteAllBytes(image, content);
        return (bed, image, bed.Snapshot("target"));
    }

    private static string FingerprintFile(StoreTestBed bed, RecoveryPointRecord point) =>
        new StoreLayout(bed.Store).FingerprintPath(ManifestHash(point));

    private static ChunkFingerprints Load(StoreTestBed bed, RecoveryPointRecord point) =>
        RecoveryStore.Open(bed.Store).LoadFingerprints(point.Components[0])!;

    private static void WriteChunk(string image, int index, byte[] data)
    {
        using var file = File.OpenWrite(image);
        file.Position = (long)index * ChunkSize;
        file.Write(data);
    }

    [Fact]
    public void ASnapshotKeepsOneFingerprintPerChunkAndVerifyProvesThemAgainstTheChunks()
    {
        var (bed, _, point) = ImageBed();
        using var _bed = bed;
        var fingerprints = Load(bed, point);
        Assert.Equal(64, fingerprints.Count);
        Assert.True(bed.Verify().Clean);

        // Any damaged byte is caught by the file's own checksum, naming the file.
        string file = FingerprintFile(bed, point);
        byte[] original = File.ReadAllBytes(file);
        var damaged = (byte[])original.Clone();
        damaged[100] ^= 0x10;
        File.WriteAllBytes(file, damaged);
        var report = bed.Verify();
        Assert.Contains(report.Problems, p => p.StoreFile == file && p.Message.Contains("checksum"));

        // A file whose checksum is right but whose fingerprint is not that of its chunk is caught by decoding the chunk.
        var values = (UInt128[])fingerprints.Values.Clone();
        values[7] ^= 1;
        File.WriteAllBytes(file, new ChunkFingerprints(fingerprints.Seed, values).Encode(ManifestHash(point)));
        report = bed.Verify();
        Assert.Contains(report.Problems, p => p.StoreFile == file && p.Message.Contains("do not match chunk"));

        File.WriteAllBytes(file, original);
        Assert.True(bed.Verify().Clean);
    }

    [Fact]
    public void AChunkWhoseFingerprintIsUnchangedKeepsThePointsIdentityWithoutBeingHashed()
    {
        var (bed, image, point) = ImageBed();
        using var _bed = bed;
        var fingerprints = Load(bed, point);
        // Make the point's fingerprint file claim that chunk 3 already holds what is about to be written there. Only a
        // fingerprint comparison can then take chunk 3 for unchanged: hashing would see new content.
        var changed = RandomNumberGenerator.GetBytes(ChunkSize);
        var values = (UInt128[])fingerprints.Values.Clone();
        values[3] = ChunkFingerprints.Of(changed, fingerprints.Seed);
        var manifest = ManifestHash(point);
        File.WriteAllBytes(FingerprintFile(bed, point), new ChunkFingerprints(fingerprints.Seed, values).Encode(manifest));
        WriteChunk(image, 3, changed);
        WriteChunk(image, 5, RandomNumberGenerator.GetBytes(ChunkSize));

        var next = bed.Snapshot("after");
        var before = RecoveryStore.Open(bed.Store).LoadManifest(point, point.Components[0]).Find("image")!;
        var after = RecoveryStore.Open(bed.Store).LoadManifest(next, next.Components[0]).Find("image")!;
        Assert.Equal(before.Chunks[3], after.Chunks[3]); // taken on the fingerprint's word
        Assert.NotEqual(before.Chunks[5], after.Chunks[5]); // changed, so hashed and stored
        Assert.Equal(Load(bed, point).Seed, Load(bed, next).Seed); // the new point's fingerprints compare with the old

        // Verify is the safety net: the lying fingerprint file is found.
        Assert.Contains(bed.Verify().Problems, p => p.StoreFile == FingerprintFile(bed, point) && p.Message.Contains("do not match chunk"));
    }

    [Fact]
    public void ARollbackToAPointWhoseFingerprintsAreDamagedIsRefusedBeforeAnythingChanges()
    {
        var (bed, image, point) = ImageBed();
        using var _bed = bed;
        WriteChunk(image, 2, RandomNumberGenerator.GetBytes(ChunkSize));
        string updated = Sha(image);
        string file = FingerprintFile(bed, point);
        var bytes = File.ReadAllBytes(file);
        bytes[^40] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var result = CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("fingerprints", result.StdErr);
        Assert.Equal(updated, Sha(image));
    }

    [Fact]
    public void APointWithoutFingerprintsIsComparedAndRolledBackByHashing()
    {
        var (bed, image, point) = ImageBed();
        using var _bed = bed;
        string target = Sha(image);
        File.Delete(FingerprintFile(bed, point)); // as a store written before fingerprints were kept
        WriteChunk(image, 1, RandomNumberGenerator.GetBytes(ChunkSize));
        WriteChunk(image, 60, RandomNumberGenerator.GetBytes(ChunkSize)); // in the zero tail

        Assert.Contains("2 of 64 chunks differ", CliRunner.RunWithConfig(bed.ConfigPath, "diff", point.Id).EnsureSuccess().StdOut);
        CliRunner.RunWithConfig(bed.ConfigPath, "rollback", point.Id, "--yes").EnsureSuccess();
        Assert.Equal(target, Sha(image));
        Assert.True(bed.Verify().Clean);
    }

    [Fact]
    public void LeftoverFingerprintsGoWithTheirManifestAndThoseOfListedPointsStay()
    {
        var (bed, _, point) = ImageBed();
        using var _bed = bed;
        string kept = FingerprintFile(bed, point);
        string orphan = Path.Combine(bed.Store, "manifests", new string('a', 64) + StoreLayout.FingerprintExtension);
        File.WriteAllBytes(orphan, [1, 2, 3]);
        Assert.True(RecoveryStore.Open(bed.Store).CollectLeftovers() >= 1);
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(kept));
    }

    private static Hash256 ManifestHash(RecoveryPointRecord point)
    {
        Assert.True(Hash256.TryParse(point.Components[0].Manifest, out var hash));
        return hash;
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
