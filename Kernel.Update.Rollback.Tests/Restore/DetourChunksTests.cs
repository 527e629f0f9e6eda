using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Restore;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Kernel.Update.Rollback.Tests.Store;

namespace Kernel.Update.Rollback.Tests.Restore;

/// <summary>A batch's detours, read before its files: served from memory once read, and a damaged one is left for the
/// file that needs it (whose error then names the file) instead of failing the batch where no file is known.</summary>
public sealed class DetourChunksTests
{
    [Fact]
    public void HeldChunksComeFromMemoryAndDamagedOnesFailWhereTheyAreRead()
    {
        using var bed = StoreTestBed.WithOneTree();
        var content = TestFiles.RandomBytes(3, 600_000);
        File.WriteAllBytes(bed.Live("tree/file"), content);
        var point = bed.Snapshot();
        var store = RecoveryStore.Open(bed.Store);
        var chunks = store.LoadManifest(point, point.Components[0]).Find("file")!.Chunks;
        Assert.True(chunks.Length >= 3);

        using (var detours = new DetourChunks(new ChunkReader(store.Layout, store.Index)))
        {
            detours.Load([chunks[0], chunks[1]]);
            var plain = new byte[chunks[1].Length];
            detours.Read(chunks[1].Hash, plain);
            Assert.Equal(content.AsSpan(chunks[0].Length, chunks[1].Length).ToArray(), plain);
        }

        // Damage the frame's stored bytes: every chunk of it is now unreadable.
        Assert.True(store.Index.TryGet(chunks[0].Hash, out var location));
        string pack = store.Layout.PackPath(store.Index.Packs[location.Pack].Id);
        long at = store.Index.FrameOf(location).DataOffset + 100;
        using (var file = Posix.Open(pack, OpenFlags.ReadWrite))
        {
            var one = new byte[1];
            RandomAccess.Read(file, one, at);
            one[0] ^= 0xFF;
            RandomAccess.Write(file, one, at);
        }
        using (var detours = new DetourChunks(new ChunkReader(store.Layout, store.Index)))
        {
            detours.Load([chunks[0]]); // does not throw: nothing is known here of the files that need it
            var error = Assert.Throws<RollbackException>(() => detours.Read(chunks[0].Hash, new byte[chunks[0].Length]));
            Assert.Equal(RollbackErrorKind.CorruptedData, error.Kind);
        }
    }
}
