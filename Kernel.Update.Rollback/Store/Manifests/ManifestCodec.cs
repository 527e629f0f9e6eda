using CommunityToolkit.HighPerformance.Buffers;
using Kernel.Update.Rollback.Binary;
using Kernel.Update.Rollback.Buffers;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Store.Manifests;

/// <summary>
/// The manifest file: <c>"KURMF001"</c> then a zstd frame of the entries (varints, paths prefix-compressed
/// against the previous entry). The file is named by its SHA-256, so an unchanged tree re-snapshots to the
/// same manifest and verify checks it by its name.
/// </summary>
public static class ManifestCodec
{
    private static ReadOnlySpan<byte> Magic => "KURMF001"u8;
    private const int MaxEntries = 50_000_000;
    private const int MaxNameBytes = 64 * 1024;
    private const int MaxXattrValue = 64 * 1024;
    private const int MaxChunksPerFile = 64 * 1024 * 1024;
    // The fewest bytes an entry, an extent and a chunk reference take in the body: counts read from a body are checked
    // against what it holds before anything is allocated by them, so a few crafted bytes cannot ask for gigabytes.
    private const int MinEntryBytes = 13;
    private const int MinExtentBytes = 2;
    private const int MinChunkBytes = Hash256.Size + 1;
    // zstd rarely passes 30:1 on manifests; a frame declaring more than this per stored byte is damage or a trap.
    private const int MaxExpansion = 1024;

    /// <summary>Encodes and compresses; the result is the only array allocated that is not pooled (its exact size).</summary>
    public static byte[] Encode(Manifest manifest, int compressionLevel = 3)
    {
        using var writer = new VarintWriter(64 * 1024);
        writer.WriteUInt((ulong)manifest.Entries.Count);
        string previous = "";
        Span<byte> hash = stackalloc byte[Hash256.Size];
        foreach (var entry in manifest.Entries)
        {
            int shared = CommonPrefix(previous, entry.Path);
            writer.WriteUInt((ulong)shared);
            writer.WriteString(entry.Path.AsSpan(shared));
            previous = entry.Path;
            writer.WriteByte((byte)entry.Kind);
            writer.WriteUInt(entry.Mode);
            writer.WriteUInt(entry.Uid);
            writer.WriteUInt(entry.Gid);
            writer.WriteInt(entry.MTimeSeconds);
            writer.WriteUInt(entry.MTimeNanoseconds);
            writer.WriteInt(entry.CTimeSeconds);
            writer.WriteUInt(entry.CTimeNanoseconds);
            writer.WriteUInt(entry.Inode);
            writer.WriteUInt(entry.NLink);
            switch (entry.Kind)
            {
                case EntryKind.Regular:
                    writer.WriteUInt((ulong)entry.Size);
                    if (entry.Extents is null)
                    {
                        writer.WriteByte(0);
                    }
                    else
                    {
                        writer.WriteByte(1);
                        writer.WriteUInt((ulong)entry.Extents.Length);
                        foreach (var extent in entry.Extents)
                        {
                            writer.WriteUInt((ulong)extent.Offset);
                            writer.WriteUInt((ulong)extent.Length);
                        }
                    }
                    writer.WriteUInt((ulong)entry.Chunks.Length);
                    foreach (var chunk in entry.Chunks)
                    {
                        chunk.Hash.Write(hash);
                        writer.WriteRaw(hash);
                        writer.WriteUInt((ulong)chunk.Length);
                    }
                    break;
                case EntryKind.Symlink:
                case EntryKind.HardLink:
                    writer.WriteString(entry.LinkTarget ?? "");
                    break;
                case EntryKind.CharDevice:
                case EntryKind.BlockDevice:
                    writer.WriteUInt(entry.RDev);
                    break;
            }
            writer.WriteUInt((ulong)entry.Xattrs.Length);
            foreach (var xattr in entry.Xattrs)
            {
                writer.WriteString(xattr.Name);
                writer.WriteBytes(xattr.Value);
            }
        }

        using var compressor = new ZstdCompressor(compressionLevel);
        var body = writer.WrittenSpan;
        using var output = new NativeBuffer<byte>(Magic.Length + Zstd.CompressBound(body.Length));
        var span = output.GetSpan(Magic.Length + Zstd.CompressBound(body.Length));
        Magic.CopyTo(span);
        int written = compressor.Compress(body, span[Magic.Length..]);
        return span[..(Magic.Length + written)].ToArray();
    }

    /// <summary>Decodes and checks a manifest. Any malformation is a <see cref="FormatException"/> saying what is wrong;
    /// callers add which recovery point and component it belongs to.</summary>
    public static Manifest Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("not a manifest (bad magic)");
        long size = Zstd.FrameContentSize(file[Magic.Length..]);
        if (size <= 0 || size > Array.MaxLength)
            throw new FormatException("bad compressed frame header");
        if (size > (long)(file.Length - Magic.Length) * MaxExpansion + (1 << 20))
            throw new FormatException($"the compressed body of {file.Length - Magic.Length} bytes declares {size} bytes, more than it can hold");
        // Pooled: the body is read once, into entries that own what they keep.
        using var body = MemoryOwner<byte>.Allocate((int)size);
        using (var decompressor = new ZstdDecompressor())
            if (decompressor.TryDecompress(file[Magic.Length..], body.Span) != body.Length)
                throw new FormatException("compressed body is damaged: it does not decode to its declared size");
        using var names = SpanOwner<char>.Allocate(MaxNameBytes);
        return DecodeBody(body.Span, names.Span);
    }

    /// <param name="name">scratch for one name (<see cref="MaxNameBytes"/> chars), so the only string made for an entry is its path.</param>
    private static Manifest DecodeBody(ReadOnlySpan<byte> body, Span<char> name)
    {
        var reader = new VarintReader(body);
        int count = reader.ReadLength(MaxEntries);
        if (count > reader.Remaining / MinEntryBytes)
            throw new FormatException($"{count} entries cannot fit in {reader.Remaining} bytes");
        var entries = new List<ManifestEntry>(count);
        // One table of the names so far answers every check (listed twice? parent an earlier directory? hard link to
        // an earlier file?) and is the finished manifest's lookup by path. Parents and hard-link targets are looked up
        // by span: no substring per entry, and a hard link's target is the first name's own string.
        var byPath = new Dictionary<string, ManifestEntry>(count, StringComparer.Ordinal);
        var byPathSpan = byPath.GetAlternateLookup<ReadOnlySpan<char>>();
        string previous = "";
        for (int i = 0; i < count; i++)
        {
            int shared = reader.ReadLength(previous.Length);
            int suffix = reader.ReadChars(MaxNameBytes, name);
            string path = string.Concat(previous.AsSpan(0, shared), name[..suffix]);
            var kind = (EntryKind)reader.ReadByte();
            if (kind is < EntryKind.Directory or > EntryKind.Fifo)
                throw new FormatException($"entry '{path}' has unknown kind {(byte)kind}");
            if (!EntryPath.IsValid(path))
                throw new FormatException($"entry name '{path.Replace("\0", "\\0")}' is not a safe relative path");
            if (i == 0 ? path.Length != 0 || kind != EntryKind.Directory
                : path.Length == 0 || !byPathSpan.TryGetValue(ParentOf(path), out var parent) || parent.Kind != EntryKind.Directory)
                throw new FormatException($"entry '{path}' is not inside a directory listed before it");
            if (byPath.ContainsKey(path))
                throw new FormatException($"entry '{path}' is listed twice");
            var entry = new ManifestEntry
            {
                Path = path,
                Kind = kind,
                Mode = reader.ReadUInt32() & 0xFFF,
                Uid = reader.ReadUInt32(),
                Gid = reader.ReadUInt32(),
                MTimeSeconds = reader.ReadInt(),
                MTimeNanoseconds = ReadNanoseconds(ref reader, path),
                CTimeSeconds = reader.ReadInt(),
                CTimeNanoseconds = ReadNanoseconds(ref reader, path),
                Inode = reader.ReadUInt(),
                NLink = reader.ReadUInt32(),
            };
            switch (kind)
            {
                case EntryKind.Regular:
                    ReadContent(ref reader, entry);
                    break;
                case EntryKind.Symlink:
                    entry.LinkTarget = reader.ReadString(MaxNameBytes);
                    if (entry.LinkTarget.Length == 0 || entry.LinkTarget.Contains('\0'))
                        throw new FormatException($"symlink '{path}' has an empty or invalid target");
                    break;
                case EntryKind.HardLink:
                    int length = reader.ReadChars(MaxNameBytes, name);
                    if (!byPathSpan.TryGetValue(name[..length], out var first) || first.Kind is EntryKind.Directory or EntryKind.HardLink)
                        throw new FormatException($"hard link '{path}' points to '{name[..length].ToString()}', which is not an earlier file");
                    entry.LinkTarget = first.Path;
                    break;
                case EntryKind.CharDevice:
                case EntryKind.BlockDevice:
                    entry.RDev = reader.ReadUInt();
                    break;
            }
            int xattrs = reader.ReadLength(4096);
            if (xattrs > 0)
            {
                var list = new XattrEntry[xattrs];
                for (int x = 0; x < xattrs; x++)
                {
                    // A handful of names (security.capability, system.posix_acl_access ...) recur across a whole tree.
                    string xattrName = reader.ReadPooledString(255, StringPool.Shared);
                    if (xattrName.Length == 0 || xattrName.Contains('\0'))
                        throw new FormatException($"entry '{path}' has an invalid extended attribute name");
                    list[x] = new XattrEntry(xattrName, reader.ReadBytes(MaxXattrValue).ToArray());
                }
                entry.Xattrs = list;
            }
            entries.Add(entry);
            byPath.Add(path, entry);
            previous = path;
        }
        if (!reader.End)
            throw new FormatException("trailing bytes after the last entry");
        return new Manifest(entries, byPath);
    }

    private static void ReadContent(ref VarintReader reader, ManifestEntry entry)
    {
        entry.Size = reader.ReadNonNegative();
        byte sparse = reader.ReadByte();
        if (sparse > 1)
            throw new FormatException($"file '{entry.Path}' has a bad sparse flag");
        long dataLength = entry.Size;
        if (sparse == 1)
        {
            int extentCount = reader.ReadLength(MaxChunksPerFile);
            if (extentCount > reader.Remaining / MinExtentBytes)
                throw new FormatException($"file '{entry.Path}' declares {extentCount} data extents in {reader.Remaining} bytes");
            var extents = new FileExtent[extentCount];
            long end = 0;
            dataLength = 0;
            for (int e = 0; e < extentCount; e++)
            {
                long offset = reader.ReadNonNegative();
                long length = reader.ReadNonNegative();
                if (offset < end || length <= 0 || offset > entry.Size - length)
                    throw new FormatException($"file '{entry.Path}' has overlapping or out-of-range data extents");
                extents[e] = new FileExtent(offset, length);
                end = offset + length;
                dataLength += length;
            }
            entry.Extents = extents;
        }
        int chunkCount = reader.ReadLength(MaxChunksPerFile);
        if (chunkCount > reader.Remaining / MinChunkBytes)
            throw new FormatException($"file '{entry.Path}' declares {chunkCount} chunks in {reader.Remaining} bytes");
        var chunks = chunkCount == 0 ? [] : new ChunkRef[chunkCount];
        long covered = 0;
        for (int c = 0; c < chunkCount; c++)
        {
            var hash = Hash256.Read(reader.ReadRaw(Hash256.Size));
            int length = reader.ReadLength(Packs.PackFormat.MaxChunkLength);
            if (length == 0)
                throw new FormatException($"file '{entry.Path}' has an empty chunk");
            chunks[c] = new ChunkRef(hash, length);
            covered += length;
        }
        if (covered != dataLength)
            throw new FormatException($"file '{entry.Path}' chunks cover {covered} bytes of {dataLength}");
        entry.Chunks = chunks;
    }

    private static ReadOnlySpan<char> ParentOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? [] : path.AsSpan(0, slash);
    }

    private static uint ReadNanoseconds(ref VarintReader reader, string path)
    {
        uint value = reader.ReadUInt32();
        return value < 1_000_000_000 ? value : throw new FormatException($"entry '{path}' has nanoseconds {value}");
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = a.AsSpan().CommonPrefixLength(b);
        // Never split a surrogate pair: the suffix is encoded as UTF-8 on its own.
        if (n > 0 && n < b.Length && char.IsHighSurrogate(b[n - 1]))
            n--;
        return n;
    }
}
