using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;

namespace Kernel.Update.Rollback.Tests.Store;

public sealed class SnapshotTests
{
    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public void ASnapshotExportsBackToTheSameContentModesLinksAndTimes()
    {
        using var bed = StoreTestBed.WithOneTree();
        string tree = bed.Live("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub/deeper"));
        File.WriteAllBytes(Path.Combine(tree, "sub/big.bin"), RandomBytes(3 << 20, 1));
        File.WriteAllText(Path.Combine(tree, "sub/deeper/small.txt"), "hello");
        File.WriteAllText(Path.Combine(tree, "empty"), "");
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "sub/deeper/small.txt");
        Posix.Link(Path.Combine(tree, "sub/big.bin"), Path.Combine(tree, "hardlink.bin"));
        Posix.Chmod(Path.Combine(tree, "sub/deeper/small.txt"), 0x1A0); // 0640
        Posix.SetTimes(Path.Combine(tree, "sub/deeper"), 1_600_000_000, 5, 1_600_000_000, 123_456_789);

        var point = bed.Snapshot();
        string exported = Path.Combine(bed.Export(point), "tree");

        Assert.Equal(File.ReadAllBytes(Path.Combine(tree, "sub/big.bin")), File.ReadAllBytes(Path.Combine(exported, "sub/big.bin")));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(exported, "sub/deeper/small.txt")));
        Assert.Equal("sub/deeper/small.txt", Posix.ReadLink(Path.Combine(exported, "link")));
        var original = Posix.LStat(Path.Combine(exported, "sub/big.bin"));
        var linked = Posix.LStat(Path.Combine(exported, "hardlink.bin"));
        Assert.Equal(original.Inode, linked.Inode);
        Assert.Equal(2u, linked.NLink);
        Assert.Equal(0x1A0u, Posix.LStat(Path.Combine(exported, "sub/deeper/small.txt")).Mode);
        var dir = Posix.LStat(Path.Combine(exported, "sub/deeper"));
        Assert.Equal((1_600_000_000L, 123_456_789u), (dir.MTimeSeconds, dir.MTimeNanoseconds));
        Assert.True(bed.Verify().Clean);
    }

    [Fact]
    public void ARecoveryPointOfAnUnchangedTreeReadsNothingAndAddsNoChunks()
    {
        using var bed = StoreTestBed.WithOneTree();
        File.WriteAllBytes(bed.Live("tree/a.bin"), RandomBytes(1 << 20, 2));
        File.WriteAllBytes(bed.Live("tree/b.bin"), RandomBytes(1 << 20, 3));
        var first = bed.Snapshot();
        long packs = bed.PackBytes;

        var second = bed.Snapshot();

        Assert.Equal(0, second.Components[0].ReadBytes);
        Assert.Equal(0, second.Components[0].AddedBytes);
        Assert.Equal(packs, bed.PackBytes);
        Assert.Equal(first.Components[0].Manifest, second.Components[0].Manifest);
        Assert.Equal(first.Sequence + 1, second.Sequence);
    }

    [Fact]
    public void AnEditInTheMiddleOfALargeFileStoresOnlyTheChunksAroundIt()
    {
        using var bed = StoreTestBed.WithOneTree();
        string file = bed.Live("tree/image.bin");
        File.WriteAllBytes(file, RandomBytes(16 << 20, 4));
        bed.Snapshot();
        long before = bed.PackBytes;

        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.Position = 8 << 20;
            stream.Write(RandomBytes(100, 5));
        }
        var second = bed.Snapshot();

        long added = bed.PackBytes - before;
        Assert.Equal(16 << 20, second.Components[0].ReadBytes);
        Assert.InRange(added, 1, 1 << 20); // a few chunks of 64 KiB on average, never the whole file
    }

    [Fact]
    public void IdenticalContentIsStoredOnceAcrossFilesAndComponents()
    {
        using var bed = new StoreTestBed("""
            [{ "name": "a", "category": "Other", "path": "a" }, { "name": "b", "category": "UserData", "path": "b" }]
            """);
        var data = RandomBytes(4 << 20, 6);
        Directory.CreateDirectory(bed.Live("a"));
        Directory.CreateDirectory(bed.Live("b"));
        File.WriteAllBytes(bed.Live("a/one.bin"), data);
        File.WriteAllBytes(bed.Live("a/two.bin"), data);
        File.WriteAllBytes(bed.Live("b/three.bin"), data);

        bed.Snapshot();

        Assert.InRange(bed.PackBytes, 4 << 20, (4 << 20) + (64 << 10)); // random data: stored raw, once
    }

    [Fact]
    public void ASparseFileKeepsItsHolesAndContent()
    {
        using var bed = StoreTestBed.WithOneTree();
        string file = bed.Live("tree/sparse.img");
        using (var handle = File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(handle, RandomBytes(4096, 7), 0);
            RandomAccess.Write(handle, RandomBytes(4096, 8), 100L << 20);
            RandomAccess.SetLength(handle, 256L << 20);
        }
        var point = bed.Snapshot();
        Assert.Equal(8192, point.Components[0].ReadBytes);

        string exported = Path.Combine(bed.Export(point), "tree/sparse.img");
        var status = Posix.LStat(exported);
        Assert.Equal(256L << 20, status.Size);
        Assert.True(status.Blocks * 512 < (1L << 20), $"restored file allocates {status.Blocks * 512} bytes; holes were filled");
        using var original = File.OpenRead(file);
        using var copy = File.OpenRead(exported);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(original)), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(copy)));
    }

    [Fact]
    public void ASecondWriterIsRefusedAndToldTheHoldersPid()
    {
        using var bed = StoreTestBed.WithOneTree();
        File.WriteAllText(bed.Live("tree/x"), "x");
        var layout = new StoreLayout(bed.Store);
        RecoveryStore.Initialize(layout);
        // Another process holds the lock (flock(1) takes the same flock(2) lock) and has written its pid, as a writer does.
        using var holder = System.Diagnostics.Process.Start("flock", [layout.Lock, "sleep", "60"]);
        try
        {
            WaitUntilLocked(layout);
            // Through open(2): .NET's own file APIs take an flock of their own, which the holder's would refuse.
            using (var file = Posix.Open(layout.Lock, OpenFlags.WriteOnly | OpenFlags.Truncate))
                RandomAccess.Write(file, System.Text.Encoding.ASCII.GetBytes(holder.Id + "\n"), 0);

            var error = Assert.Throws<RollbackException>(() => bed.Snapshot());

            Assert.Equal(RollbackErrorKind.InvalidState, error.Kind);
            Assert.Equal(ExitCodes.Refused, error.ExitCode);
            Assert.Contains($"pid {holder.Id}", error.Message);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void TheLockNestsWithinOneProcess()
    {
        using var bed = StoreTestBed.WithOneTree();
        File.WriteAllText(bed.Live("tree/x"), "x");
        var layout = new StoreLayout(bed.Store);
        RecoveryStore.Initialize(layout);
        using (StoreLock.Acquire(layout))
            bed.Snapshot(); // a rollback holds the lock and takes its safety point under it

        // Released once the outer holder is done: another process can take it.
        using var other = System.Diagnostics.Process.Start("flock", ["--nonblock", layout.Lock, "true"])!;
        other.WaitForExit();
        Assert.Equal(0, other.ExitCode);
    }

    private static void WaitUntilLocked(StoreLayout layout)
    {
        for (int i = 0; i < 200; i++)
        {
            using var probe = System.Diagnostics.Process.Start("flock", ["--nonblock", layout.Lock, "true"])!;
            probe.WaitForExit();
            if (probe.ExitCode != 0)
                return;
            Thread.Sleep(25);
        }
        throw new TimeoutException("flock(1) did not take the store lock within 5 s");
    }

    [Fact]
    public void LeftoversOfAnInterruptedSnapshotAreCollectedByTheNextWriter()
    {
        using var bed = StoreTestBed.WithOneTree();
        File.WriteAllBytes(bed.Live("tree/x"), RandomBytes(100_000, 9));
        bed.Snapshot();
        // What a writer killed before its commit leaves: a pack and index nobody names, a manifest, scratch files.
        File.WriteAllBytes(Path.Combine(bed.Store, "packs/00000000deadbeef.pack"), RandomBytes(5000, 10));
        File.WriteAllBytes(Path.Combine(bed.Store, "packs/00000000deadbeef.idx"), RandomBytes(50, 11));
        File.WriteAllBytes(Path.Combine(bed.Store, "manifests", new string('c', 64) + ".mf"), RandomBytes(50, 12));
        File.WriteAllBytes(Path.Combine(bed.Store, "tmp/half-written"), RandomBytes(50, 13));
        Assert.True(bed.Verify().Clean); // leftovers are not part of the store's state

        bed.Snapshot();

        Assert.False(File.Exists(Path.Combine(bed.Store, "packs/00000000deadbeef.pack")));
        Assert.False(File.Exists(Path.Combine(bed.Store, "manifests", new string('c', 64) + ".mf")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(bed.Store, "tmp")));
        Assert.True(bed.Verify().Clean);
    }

    [Fact]
    public void ASnapshotThatCannotFitIsRefusedBeforeItWritesAnything()
    {
        using var bed = StoreTestBed.WithOneTree(extraJson: "\"reserveBytes\": 1125899906842624");
        File.WriteAllBytes(bed.Live("tree/x"), RandomBytes(100_000, 14));

        var error = Assert.Throws<RollbackException>(() => bed.Snapshot());

        Assert.Equal(RollbackErrorKind.NoSpace, error.Kind);
        Assert.Contains("free", error.Message);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(bed.Store, "packs")));
        Assert.Empty(bed.Catalog.Points);
    }

    [Fact]
    public void AnUnknownComponentIsRefusedNamingTheKnownOnes()
    {
        using var bed = StoreTestBed.WithOneTree();
        var error = Assert.Throws<RollbackException>(() => bed.Snapshot(null, "nope"));
        Assert.Equal(RollbackErrorKind.InvalidInput, error.Kind);
        Assert.Contains("nope", error.Message);
        Assert.Contains("tree", error.Message);
    }

    [Fact]
    public void ExportingIntoANonEmptyDirectoryIsRefused()
    {
        using var bed = StoreTestBed.WithOneTree();
        File.WriteAllText(bed.Live("tree/x"), "x");
        var point = bed.Snapshot();
        string target = bed.Scratch("occupied");
        Directory.CreateDirectory(Path.Combine(target, "tree"));
        File.WriteAllText(Path.Combine(target, "tree/precious"), "keep me");

        var error = Assert.Throws<RollbackException>(() => bed.Export(point, target));

        Assert.Equal(RollbackErrorKind.InvalidInput, error.Kind);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(target, "tree/precious")));
    }
}
