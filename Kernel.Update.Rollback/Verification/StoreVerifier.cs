using System.Collections.Concurrent;
using System.Security.Cryptography;
using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Store.Packs;

namespace Kernel.Update.Rollback.Verification;

/// <summary>
/// Reads and proves everything a store holds, or everything one recovery point needs: the catalog's checksum,
/// every pack index's digest and trailer, that frames tile each pack with no byte uncovered, that each frame's
/// header and chunk table match its index, every manifest's hash, every chunk's content hash, and every block image's
/// chunk fingerprints against the chunks they stand for (<see cref="FingerprintCheck"/>). Damage is attributed to the recovery points, components and files that depend on it.
/// </summary>
public sealed class StoreVerifier(string storeRoot)
{
    /// <summary>Receives each chunk proven while checking only some (see <see cref="Verify"/>), on the worker that proved it.</summary>
    public delegate void ProvenChunk(in Hash256 hash, ReadOnlySpan<byte> plain);

    private readonly StoreLayout _layout = new(storeRoot);

    /// <summary>Verifies the store, or everything point <paramref name="pointId"/> needs, or (with <paramref name="only"/>)
    /// just those chunks: what a rollback will actually write, proven before it writes (its manifests were proven when
    /// it read them). Checking only some, the frames holding them are decoded as far as the last chunk asked for (their
    /// headers and tables checked whole), only the chunks asked for are hashed, and each one proven is handed to <paramref name="proven"/> (a rollback keeps them so as
    /// not to decode twice).</summary>
    public VerifyReport Verify(string? pointId, CancellationToken cancellation = default, IReadOnlySet<Hash256>? only = null, ProvenChunk? proven = null)
    {
        var report = new VerifyReport();
        CatalogDocument catalog;
        try
        {
            catalog = CatalogFile.Read(_layout.Catalog);
        }
        catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
        {
            report.Problems.Add(new VerifyProblem(null, null, null, _layout.Catalog, e.Message + "; every recovery point in the store is affected"));
            return report;
        }
        var store = RecoveryStore.Open(_layout.Root);
        var points = pointId is null ? catalog.Points : [store.GetPoint(pointId)];
        report.PointsChecked = points.Count;

        var (index, packIndexes) = LoadIndexes(catalog, report, only);
        if (only is not null)
        {
            // The caller proved the manifests when it read the chunk list from them; they are read here only to
            // say which files a damaged chunk belongs to.
            var onlyBad = CheckFrames(index, packIndexes, only, checkAll: false, hashAll: false, proven, report, cancellation);
            if (onlyBad.Count > 0)
                Attribute(onlyBad, LoadManifests(store, points, report), index, report);
            return report;
        }
        var manifests = LoadManifests(store, points, report);
        var needed = new HashSet<Hash256>();
        foreach (var (_, _, manifest) in manifests)
            foreach (var entry in manifest.Entries)
                foreach (var chunk in entry.Chunks)
                    needed.Add(chunk.Hash);
        var fingerprints = FingerprintCheck.Load(store, manifests, report);
        var bad = CheckFrames(index, packIndexes, needed, checkAll: pointId is null, hashAll: true, (in Hash256 hash, ReadOnlySpan<byte> plain) =>
        {
            fingerprints.Check(hash, plain);
            proven?.Invoke(hash, plain);
        }, report, cancellation);
        fingerprints.Report(report);
        Attribute(bad, manifests, index, report);
        return report;
    }

    /// <param name="only">the chunks to index, or null for all (<see cref="ChunkIndex.Build"/>).</param>
    private (ChunkIndex Index, List<PackIndex> PackIndexes) LoadIndexes(CatalogDocument catalog, VerifyReport report, IReadOnlySet<Hash256>? only)
    {
        var good = new List<PackRecord>();
        var indexes = new List<PackIndex>();
        foreach (var pack in catalog.Packs)
        {
            string packPath = _layout.PackPath(pack.Id);
            try
            {
                CheckPackFile(pack, packPath);
                var index = PackIndexFile.Read(_layout.IndexPath(pack.Id), pack.IndexSha256, pack.Length);
                CheckLayout(pack, packPath, index);
                good.Add(pack);
                indexes.Add(index);
            }
            catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
            {
                // Its chunks are now missing from the index, so every file that needs one is reported below.
                report.Problems.Add(new VerifyProblem(null, null, null, packPath, e.Message));
            }
        }
        return (ChunkIndex.Build(good, indexes, only), indexes);
    }

    private static void CheckPackFile(PackRecord pack, string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path} is missing");
        if (info.Length != pack.Length)
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path} is {info.Length} bytes where the catalog says {pack.Length}");
        Span<byte> magic = stackalloc byte[PackFormat.PackHeaderLength];
        int read;
        try
        {
            using var handle = File.OpenHandle(path);
            read = RandomAccess.Read(handle, magic, 0);
        }
        catch (IOException e)
        {
            // A pack the medium cannot give back (EIO) has lost its data as surely as a flipped byte.
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path} cannot be read: {e.Message}", e);
        }
        if (read != magic.Length || !magic.SequenceEqual(PackFormat.PackMagic))
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path} has a damaged header");
    }

    /// <summary>Frames must cover the pack from its header to its end with no gap or overlap, and each frame's
    /// chunks must cover its plain bytes: then every byte of the pack is checked by some frame or chunk.</summary>
    private static void CheckLayout(PackRecord pack, string path, PackIndex index)
    {
        long expected = PackFormat.PackHeaderLength;
        foreach (var frame in index.Frames)
        {
            if (frame.Offset != expected)
                throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path}: its index leaves bytes {expected}..{frame.Offset} unaccounted for");
            expected = frame.End;
        }
        if (expected != pack.Length)
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path}: its index covers {expected} of {pack.Length} bytes");
        if (index.Chunks.Length != pack.Chunks)
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"pack {path}: its index lists {index.Chunks.Length} chunks where the catalog says {pack.Chunks}");
        var covered = new long[index.Frames.Length];
        var counts = new int[index.Frames.Length];
        foreach (var chunk in index.Chunks)
        {
            covered[chunk.Frame] += chunk.PlainLength;
            counts[chunk.Frame]++;
        }
        for (int i = 0; i < index.Frames.Length; i++)
            if (covered[i] != index.Frames[i].PlainLength || counts[i] != index.Frames[i].ChunkCount)
                throw new RollbackException(RollbackErrorKind.CorruptedData,
                    $"pack {path}: the frame at offset {index.Frames[i].Offset} holds {index.Frames[i].ChunkCount} chunks of {index.Frames[i].PlainLength} bytes but its index records {counts[i]} of {covered[i]}");
    }

    private List<(RecoveryPointRecord Point, ComponentSnapshotRecord Component, Manifest Manifest)> LoadManifests(
        RecoveryStore store, List<RecoveryPointRecord> points, VerifyReport report)
    {
        var result = new List<(RecoveryPointRecord, ComponentSnapshotRecord, Manifest)>();
        foreach (var point in points)
        {
            foreach (var component in point.Components)
            {
                try
                {
                    result.Add((point, component, store.LoadManifest(point, component)));
                    report.ManifestsChecked++;
                }
                catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
                {
                    report.Problems.Add(new VerifyProblem(point.Id, component.Name, null, _layout.Manifests + "/" + component.Manifest + ".mf", e.Message));
                }
            }
        }
        return result;
    }

    /// <summary>Decodes every frame that holds a chunk to check (all of them for a whole-store verify), compares its
    /// header and table with the index, and hashes its chunks. Frames are the unit of work, spread over all cores.</summary>
    private Dictionary<Hash256, string> CheckFrames(ChunkIndex index, List<PackIndex> packIndexes, IReadOnlySet<Hash256> needed, bool checkAll,
        bool hashAll, ProvenChunk? proven, VerifyReport report, CancellationToken cancellation)
    {
        var bad = new ConcurrentDictionary<Hash256, string>();
        foreach (var hash in needed)
            if (!index.Contains(hash))
                bad[hash] = $"chunk {hash.ToShortString()} is missing from the store";

        var work = new List<(int Pack, int Frame, IndexedChunk[] Chunks)>();
        for (int pack = 0; pack < packIndexes.Count; pack++)
        {
            var byFrame = FramesTogether(packIndexes[pack].Chunks);
            int start = 0;
            while (start < byFrame.Length)
            {
                int end = start;
                bool wanted = false;
                for (; end < byFrame.Length && byFrame[end].Frame == byFrame[start].Frame; end++)
                    wanted |= checkAll || needed.Contains(byFrame[end].Hash);
                if (wanted)
                    work.Add((pack, byFrame[start].Frame, InOffsetOrder(byFrame[start..end])));
                start = end;
            }
        }

        long chunks = 0, bytes = 0;
        Workers.ForEach(work, () => new ChunkReader(_layout, index), (reader, item) =>
        {
            // Checking only some chunks, the frame is decoded only as far as the last of them (chunks are in offset order).
            int length = index.FramesOf(item.Pack)[item.Frame].PlainLength;
            if (!hashAll)
                for (int i = item.Chunks.Length - 1; i >= 0; i--)
                    if (needed.Contains(item.Chunks[i].Hash))
                    {
                        length = item.Chunks[i].OffsetInFrame + item.Chunks[i].PlainLength;
                        break;
                    }
            string? frameProblem = CheckFrame(reader, index, item.Pack, item.Frame, item.Chunks, length);
            var plain = reader.LoadedFrame;
            Span<byte> digest = stackalloc byte[Hash256.Size];
            foreach (var chunk in item.Chunks)
            {
                if (frameProblem is not null)
                {
                    bad[chunk.Hash] = $"chunk {chunk.Hash.ToShortString()}: {frameProblem}";
                    continue;
                }
                if (!hashAll && !needed.Contains(chunk.Hash))
                    continue;
                var bytesOfChunk = plain.Slice(chunk.OffsetInFrame, chunk.PlainLength);
                SHA256.HashData(bytesOfChunk, digest);
                if (Hash256.Read(digest) != chunk.Hash)
                    bad[chunk.Hash] = $"chunk {chunk.Hash.ToShortString()} in {_layout.PackPath(index.Packs[item.Pack].Id)} (frame at offset {index.FramesOf(item.Pack)[item.Frame].Offset}) does not match its hash";
                else
                    proven?.Invoke(chunk.Hash, bytesOfChunk);
                Interlocked.Increment(ref chunks);
                Interlocked.Add(ref bytes, chunk.PlainLength);
            }
        }, cancellation);
        report.ChunksChecked = chunks;
        report.BytesChecked = bytes;
        return new Dictionary<Hash256, string>(bad);
    }

    /// <summary>A pack's chunks with each frame's together, frames in order: as its writer lists them (then the array itself:
    /// no copy of a whole pack's table, a large object, for the few frames a rollback proves), or sorted so.</summary>
    private static IndexedChunk[] FramesTogether(IndexedChunk[] chunks)
    {
        for (int i = 1; i < chunks.Length; i++)
            if (chunks[i].Frame < chunks[i - 1].Frame)
            {
                var sorted = (IndexedChunk[])chunks.Clone();
                Array.Sort(sorted, static (a, b) => a.Frame.CompareTo(b.Frame));
                return sorted;
            }
        return chunks;
    }

    /// <summary>One frame's chunks (a copy, sorted in place) in offset order: the index lists them as they came, which a
    /// frame laid out small files first has reordered.</summary>
    private static IndexedChunk[] InOffsetOrder(IndexedChunk[] frame)
    {
        Array.Sort(frame, static (a, b) => a.OffsetInFrame.CompareTo(b.OffsetInFrame));
        return frame;
    }

    /// <summary>Loads one frame (its first <paramref name="length"/> plain bytes at least) and checks its table against the
    /// index's chunks of it (in offset order); null when sound.</summary>
    private string? CheckFrame(ChunkReader reader, ChunkIndex index, int pack, int frame, ReadOnlySpan<IndexedChunk> chunks, int length)
    {
        if (!reader.TryLoadFramePrefix(pack, frame, length, out string? problem))
            return problem;
        var head = reader.LoadedHead;
        Span<byte> expected = stackalloc byte[PackFormat.TableEntryLength];
        int position = PackFormat.FrameHeaderLength;
        foreach (var chunk in chunks)
        {
            chunk.Hash.Write(expected);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(expected[Hash256.Size..], (uint)chunk.PlainLength);
            if (!head.Slice(position, PackFormat.TableEntryLength).SequenceEqual(expected))
                return $"the chunk table of the frame at offset {index.FramesOf(pack)[frame].Offset} of {_layout.PackPath(index.Packs[pack].Id)} does not match its index";
            position += PackFormat.TableEntryLength;
        }
        return null;
    }

    private void Attribute(Dictionary<Hash256, string> bad,
        List<(RecoveryPointRecord Point, ComponentSnapshotRecord Component, Manifest Manifest)> manifests,
        ChunkIndex index, VerifyReport report)
    {
        if (bad.Count == 0)
            return;
        var attributed = new HashSet<Hash256>();
        foreach (var (point, component, manifest) in manifests)
        {
            foreach (var entry in manifest.Entries)
            {
                foreach (var chunk in entry.Chunks)
                {
                    if (bad.TryGetValue(chunk.Hash, out string? problem))
                    {
                        report.Problems.Add(new VerifyProblem(point.Id, component.Name, entry.Path, PackFileOf(index, chunk.Hash), problem));
                        attributed.Add(chunk.Hash);
                        break; // one line per file is enough
                    }
                }
            }
        }
        foreach (var (hash, problem) in bad)
            if (!attributed.Contains(hash))
                report.Problems.Add(new VerifyProblem(null, null, null, PackFileOf(index, hash), problem + " (no recovery point uses it)"));
    }

    private string PackFileOf(ChunkIndex index, Hash256 hash) =>
        index.TryGet(hash, out var location) ? _layout.PackPath(index.Packs[location.Pack].Id) : _layout.Packs;
}
