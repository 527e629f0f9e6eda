using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore;

/// <summary>
/// Orders the files a restore writes into work batches so that each 4 MiB frame is decoded about once, though a
/// <see cref="ChunkReader"/> keeps only its last frame and the workers take batches in any interleaving.
/// </summary>
/// <remarks>
/// A file is placed with the frame of its first chunk (its home). A frame is cut when it passes its target size, so
/// the file arriving then continues in the next frame its snapshot worker wrote, and a deduplicated chunk may sit in
/// any older frame. Grouping by home alone (as this code first did) decoded the minbase tree's 47 frames 122 times
/// (508 MB for 200 MB of files): a file leaving its frame evicted it in the middle of the frame's other files, and the
/// frame it went on to was decoded again by the worker that had it as a home. So here, within a home, the files that
/// stay in it come first, in frame order, and those that leave it come last; the frame the last one ends in is the
/// home's successor, and a chain of successors goes to one worker in order, each frame decoded on arrival and still
/// loaded when its own files begin. Long chains are cut into about four pieces a worker so the workers finish
/// together; each cut costs one frame decoded twice. Files that decode nothing (no chunks, or all of them staged)
/// come last, a few at a time, to fill the end.
/// </remarks>
internal static class FrameOrder
{
    // Files that decode no frame are handed out this many at a time.
    private const int LooseBatch = 4;

    // Pieces a worker gets of the chained frames: enough for the workers to even out, few enough cuts.
    private const int PiecesPerWorker = 4;

    // A detour is a few shared chunks; a longer run is a frame's own content. A piece's detours are held in memory.
    private const int MaxDetourRun = 256 << 10;
    public const int MaxDetourBytes = 1 << 20;

    // The weight of one file against a frame's plain bytes when pieces are balanced: creating, writing and closing a
    // small file costs about what decoding, proving and writing 20 KB of a frame does.
    private const long FileWeight = 20_000;

    public static List<ContentBatch<T>> Batches<T>(RecoveryStore store, ChunkStage? stage, List<T> items, Func<T, ManifestEntry> entryOf, int workers)
    {
        var homes = new Dictionary<long, Home<T>>();
        var loose = new List<T>();
        foreach (var item in items)
        {
            if (!TryPlace(store, stage, entryOf(item).Chunks, out var place))
            {
                loose.Add(item);
                continue;
            }
            if (!homes.TryGetValue(place.Home, out var home))
                homes.Add(place.Home, home = new Home<T>(place.Home, FrameLength(store.Index, place.Home)));
            home.Add(place, item);
        }

        var batches = new List<ContentBatch<T>>();
        foreach (var files in Pieces(Chains(homes), homes.Count, workers))
            batches.Add(new ContentBatch<T>(files, Detours(store, stage, files, entryOf)));
        for (int i = 0; i < loose.Count; i += LooseBatch)
            batches.Add(new ContentBatch<T>(loose.GetRange(i, Math.Min(LooseBatch, loose.Count - i)), []));
        return batches;
    }

    /// <summary>Where a file's chunks are: the frame of its first chunk to decode, the offset of that chunk, and the frame
    /// of its last such chunk, and whether any lies outside the home. False when it decodes nothing, or a chunk is not in the
    /// index (the reader names that when it gets there).</summary>
    private static bool TryPlace(RecoveryStore store, ChunkStage? stage, ChunkRef[] chunks, out Place place)
    {
        place = default;
        bool placed = false;
        foreach (var chunk in chunks)
        {
            if (stage is not null && stage.Wants(chunk.Hash))
                continue;
            if (!store.Index.TryGet(chunk.Hash, out var location))
                return false;
            long frame = Key(location.Pack, location.Frame);
            if (!placed)
                place = new Place(frame, location.OffsetInFrame, frame, Leaves: false);
            else
                place = place with { Exit = frame, Leaves = place.Leaves || frame != place.Home };
            placed = true;
        }
        return placed;
    }

    /// <summary>Follows successors from every home no other home leads to, in pack order, then from whatever is left
    /// (homes on a cycle).</summary>
    private static List<List<Home<T>>> Chains<T>(Dictionary<long, Home<T>> homes)
    {
        var ordered = new List<Home<T>>(homes.Values);
        ordered.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var claimed = new HashSet<long>();
        foreach (var home in ordered)
        {
            home.Seal();
            if (home.Successor is long next && next != home.Key && homes.ContainsKey(next) && claimed.Add(next))
                home.Next = homes[next];
        }
        var chains = new List<List<Home<T>>>();
        var visited = new HashSet<long>();
        foreach (var head in ordered)
            if (!claimed.Contains(head.Key))
                Follow(head);
        foreach (var home in ordered)
            if (!visited.Contains(home.Key))
                Follow(home);
        return chains;

        void Follow(Home<T> head)
        {
            var chain = new List<Home<T>>();
            for (var home = head; home is not null && visited.Add(home.Key); home = home.Next)
                chain.Add(home);
            chains.Add(chain);
        }
    }

    /// <summary>Cuts the chains into pieces of at most an even share of the homes, heaviest piece first.</summary>
    private static List<List<T>> Pieces<T>(List<List<Home<T>>> chains, int homeCount, int workers)
    {
        int longest = Math.Max(1, (homeCount + workers * PiecesPerWorker - 1) / (workers * PiecesPerWorker));
        var pieces = new List<(long Weight, List<T> Files)>();
        foreach (var chain in chains)
        {
            for (int start = 0; start < chain.Count; start += longest)
            {
                var files = new List<T>();
                long weight = 0;
                for (int i = start; i < Math.Min(chain.Count, start + longest); i++)
                {
                    chain[i].AppendTo(files);
                    weight += chain[i].FrameLength + chain[i].Count * FileWeight;
                }
                pieces.Add((weight, files));
            }
        }
        pieces.Sort(static (a, b) => b.Weight.CompareTo(a.Weight));
        var batches = new List<List<T>>(pieces.Count);
        foreach (var (_, files) in pieces)
            batches.Add(files);
        return batches;
    }

    /// <summary>
    /// The chunks of a piece that are better read before it: a short run of chunks in frame Y between chunks of frame X
    /// (X, Y, X in the order the piece reads them) costs a one-frame reader X decoded again, and such runs are common:
    /// deduplicated chunks that files share (the minbase tree's translations of one program share a few chunks, and
    /// each file that reads them left its frame and came back). Read first, a piece's detours decode each of their frames
    /// once, in pack order. Found in one pass with a stack of runs, merging X into X when the Y between is taken out;
    /// a run of more than <see cref="MaxDetourRun"/> bytes is a frame's own content, never a detour. Up to
    /// <see cref="MaxDetourBytes"/> a piece (the worker holds them in memory).
    /// </summary>
    private static ChunkRef[] Detours<T>(RecoveryStore store, ChunkStage? stage, List<T> files, Func<T, ManifestEntry> entryOf)
    {
        var runs = new List<(long Frame, long Bytes)>();
        var stack = new List<int>();
        var chunks = new List<(ChunkRef Chunk, long Frame, int Offset, int Run)>();
        var parent = new List<int>();
        var taken = new List<bool>();
        long takenBytes = 0;
        foreach (var file in files)
        {
            foreach (var chunk in entryOf(file).Chunks)
            {
                if (stage is not null && stage.Wants(chunk.Hash) || !store.Index.TryGet(chunk.Hash, out var location))
                    continue;
                long frame = Key(location.Pack, location.Frame);
                if (stack.Count > 0 && runs[stack[^1]].Frame == frame)
                {
                    int top = stack[^1];
                    runs[top] = (frame, runs[top].Bytes + chunk.Length);
                    chunks.Add((chunk, frame, location.OffsetInFrame, top));
                    continue;
                }
                int run = runs.Count;
                runs.Add((frame, chunk.Length));
                parent.Add(run);
                taken.Add(false);
                stack.Add(run);
                chunks.Add((chunk, frame, location.OffsetInFrame, run));
                if (stack.Count >= 3 && runs[stack[^3]].Frame == frame && runs[stack[^2]].Bytes <= MaxDetourRun
                    && takenBytes + runs[stack[^2]].Bytes <= MaxDetourBytes)
                {
                    int before = stack[^3];
                    taken[stack[^2]] = true;
                    takenBytes += runs[stack[^2]].Bytes;
                    parent[run] = before;
                    runs[before] = (frame, runs[before].Bytes + runs[run].Bytes); // a root counts every chunk it holds
                    stack.RemoveRange(stack.Count - 2, 2);
                }
            }
        }
        var detours = new List<(long Frame, int Offset, ChunkRef Chunk)>();
        var seen = new HashSet<Hash256>();
        foreach (var (chunk, frame, offset, run) in chunks)
            if (taken[Root(parent, run)] && seen.Add(chunk.Hash))
                detours.Add((frame, offset, chunk));
        detours.Sort(static (a, b) => a.Frame != b.Frame ? a.Frame.CompareTo(b.Frame) : a.Offset.CompareTo(b.Offset));
        var result = new ChunkRef[detours.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = detours[i].Chunk;
        return result;
    }

    private static int Root(List<int> parent, int run)
    {
        while (parent[run] != run)
            run = parent[run];
        return run;
    }

    private static long Key(int pack, int frame) => ((long)pack << 32) | (uint)frame;

    private static int FrameLength(ChunkIndex index, long key) => index.FramesOf((int)(key >> 32))[(int)key].PlainLength;

    private readonly record struct Place(long Home, int Offset, long Exit, bool Leaves);

    /// <summary>A frame and the files whose first chunk to decode is in it.</summary>
    private sealed class Home<T>(long key, int frameLength)
    {
        private readonly List<(int Offset, T Item)> _staying = [];
        private readonly List<(long Exit, int Offset, T Item)> _leaving = [];

        public long Key { get; } = key;
        public int FrameLength { get; } = frameLength;
        public int Count => _staying.Count + _leaving.Count;
        /// <summary>The frame the last file to leave ends in: still loaded when this home's files are written.</summary>
        public long? Successor { get; private set; }
        public Home<T>? Next { get; set; }

        public void Add(in Place place, T item)
        {
            if (!place.Leaves)
                _staying.Add((place.Offset, item));
            else
                _leaving.Add((place.Exit, place.Offset, item));
        }

        /// <summary>Puts the files in writing order: those that stay by offset, then those that leave by where they end.</summary>
        public void Seal()
        {
            _staying.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
            _leaving.Sort(static (a, b) => a.Exit != b.Exit ? a.Exit.CompareTo(b.Exit) : a.Offset.CompareTo(b.Offset));
            Successor = _leaving.Count > 0 ? _leaving[^1].Exit : null;
        }

        public void AppendTo(List<T> files)
        {
            foreach (var (_, item) in _staying)
                files.Add(item);
            foreach (var (_, _, item) in _leaving)
                files.Add(item);
        }
    }
}

/// <summary>Files a worker writes in order, and the chunks it reads first (<see cref="FrameOrder"/>'s detours).</summary>
internal sealed record ContentBatch<T>(List<T> Files, ChunkRef[] Detours);
