using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store.Catalog;

namespace Kernel.Update.Rollback.Tests.Store;

public sealed class CatalogFileTests
{
    private static CatalogDocument Sample() => new()
    {
        NextSequence = 3,
        Points =
        [
            new RecoveryPointRecord
            {
                Id = "0123456789ab", Sequence = 2, Name = "pre-update", Reason = RecoveryPointReason.PreUpdate,
                Components = [new ComponentSnapshotRecord { Name = "etc", Category = "Configuration", Path = "etc", Manifest = new string('a', 64) }],
            },
        ],
        Packs = [new PackRecord { Id = "0011223344556677", Length = 100, Chunks = 2, IndexSha256 = new string('b', 64) }],
    };

    [Fact]
    public void ACommittedCatalogReadsBackTheSame()
    {
        var bytes = CatalogFile.Serialize(Sample());
        var read = CatalogFile.Parse(bytes, "catalog");
        Assert.Equal("0123456789ab", read.Points[0].Id);
        Assert.Equal(RecoveryPointReason.PreUpdate, read.Points[0].Reason);
        Assert.Equal(3, read.NextSequence);
        Assert.Equal("0011223344556677", read.Packs[0].Id);
    }

    [Fact]
    public void AFlippedBitAnywhereInTheCatalogIsCaught()
    {
        var bytes = CatalogFile.Serialize(Sample());
        for (int i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x04;
            var error = Assert.Throws<RollbackException>(() => CatalogFile.Parse(damaged, "/store/catalog"));
            Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
            Assert.Contains("/store/catalog", error.Message);
        }
    }

    [Fact]
    public void ACatalogNamingAPackOutsideThePacksFolderIsCorruption()
    {
        var document = Sample();
        document.Packs[0].Id = "../../etc/passwd";
        var error = Assert.Throws<RollbackException>(() => CatalogFile.Parse(CatalogFile.Serialize(document), "catalog"));
        Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
    }
}
