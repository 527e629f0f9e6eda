using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Tests.Store;

public sealed class ManifestCodecTests
{
    private static ManifestEntry Dir(string path) => new() { Path = path, Kind = EntryKind.Directory, Mode = 0x1ED };

    private static Manifest Sample()
    {
        var data = new byte[] { 1, 2, 3 };
        return new Manifest(
        [
            Dir(""),
            Dir("bin"),
            new ManifestEntry
            {
                Path = "bin/tool", Kind = EntryKind.Regular, Mode = 0xDED /* 06755 */, Uid = 0, Gid = 50, Size = 3,
                MTimeSeconds = 1_700_000_000, MTimeNanoseconds = 123_456_789, CTimeSeconds = -5, CTimeNanoseconds = 1, Inode = 99, NLink = 2,
                Chunks = [new ChunkRef(Hash256.Compute(data), 3)],
                Xattrs = [new XattrEntry("security.capability", [1, 0, 0, 2]), new XattrEntry("user.empty", [])],
            },
            new ManifestEntry { Path = "bin/tool-again", Kind = EntryKind.HardLink, LinkTarget = "bin/tool" },
            new ManifestEntry { Path = "bin/äö link", Kind = EntryKind.Symlink, LinkTarget = "../etc/x" },
            new ManifestEntry { Path = "dev", Kind = EntryKind.CharDevice, RDev = 0x0103, Mode = 0x1B6 },
            new ManifestEntry
            {
                Path = "sparse", Kind = EntryKind.Regular, Size = 1 << 30,
                Extents = [new FileExtent(0, 3), new FileExtent(1 << 20, 3)],
                Chunks = [new ChunkRef(Hash256.Compute(data), 3), new ChunkRef(Hash256.Compute(data), 3)],
            },
            new ManifestEntry { Path = "fifo", Kind = EntryKind.Fifo, Mode = 0x180 },
        ]);
    }

    [Fact]
    public void EncodingThenDecodingKeepsEveryField()
    {
        var original = Sample();
        var decoded = ManifestCodec.Decode(ManifestCodec.Encode(original));
        Assert.Equal(original.Entries.Count, decoded.Entries.Count);
        for (int i = 0; i < original.Entries.Count; i++)
        {
            var a = original.Entries[i];
            var b = decoded.Entries[i];
            Assert.Equal((a.Path, a.Kind, a.Mode, a.Uid, a.Gid, a.Size, a.MTimeSeconds, a.MTimeNanoseconds, a.CTimeSeconds, a.CTimeNanoseconds, a.Inode, a.NLink, a.RDev, a.LinkTarget),
                         (b.Path, b.Kind, b.Mode, b.Uid, b.Gid, b.Size, b.MTimeSeconds, b.MTimeNanoseconds, b.CTimeSeconds, b.CTimeNanoseconds, b.Inode, b.NLink, b.RDev, b.LinkTarget));
            Assert.Equal(a.Chunks, b.Chunks);
            Assert.Equal(a.Extents, b.Extents);
            Assert.Equal(a.Xattrs.Select(x => (x.Name, Convert.ToHexString(x.Value))), b.Xattrs.Select(x => (x.Name, Convert.ToHexString(x.Value))));
        }
    }

    [Fact]
    public void AnUnchangedTreeEncodesToIdenticalBytes() =>
        Assert.Equal(ManifestCodec.Encode(Sample()), ManifestCodec.Encode(Sample()));

    [Theory]
    [InlineData("../escape")]
    [InlineData("bin/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("bin//double")]
    [InlineData("bin/")]
    [InlineData("bin/nul\0byte")]
    [InlineData("bin/.")]
    public void ANameThatCouldLeaveTheComponentIsCorruption(string name)
    {
        var manifest = new Manifest([Dir(""), Dir("bin"), new ManifestEntry { Path = name, Kind = EntryKind.Fifo }]);
        var error = Assert.Throws<FormatException>(() => ManifestCodec.Decode(ManifestCodec.Encode(manifest)));
        Assert.Contains("entry", error.Message);
    }

    [Fact]
    public void AnEntryWhoseParentIsNotADirectoryListedBeforeItIsCorruption()
    {
        var manifest = new Manifest([Dir(""), new ManifestEntry { Path = "link", Kind = EntryKind.Symlink, LinkTarget = "/" },
                                     new ManifestEntry { Path = "link/file", Kind = EntryKind.Fifo }]);
        Assert.Throws<FormatException>(() => ManifestCodec.Decode(ManifestCodec.Encode(manifest)));
    }

    [Fact]
    public void AHardLinkToANameNotListedBeforeIsCorruption()
    {
        var manifest = new Manifest([Dir(""), new ManifestEntry { Path = "a", Kind = EntryKind.HardLink, LinkTarget = "../../etc/shadow" }]);
        Assert.Throws<FormatException>(() => ManifestCodec.Decode(ManifestCodec.Encode(manifest)));
    }

    [Fact]
    public void ChunksThatDoNotCoverTheFileAreCorruption()
    {
        var manifest = new Manifest([Dir(""), new ManifestEntry
        {
            Path = "f", Kind = EntryKind.Regular, Size = 10, Chunks = [new ChunkRef(Hash256.Compute([1]), 4)],
        }]);
        Assert.Throws<FormatException>(() => ManifestCodec.Decode(ManifestCodec.Encode(manifest)));
    }

    [Fact]
    public void EveryTruncationIsAFormatErrorNeverAnotherException()
    {
        byte[] bytes = ManifestCodec.Encode(Sample());
        for (int length = 0; length < bytes.Length; length++)
            Assert.Throws<FormatException>(() => ManifestCodec.Decode(bytes.AsSpan(0, length)));
    }
}
