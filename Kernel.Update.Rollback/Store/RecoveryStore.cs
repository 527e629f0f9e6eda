using System.Security.Cryptography;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// A store opened at one committed catalog. Readers need no lock: the catalog is replaced atomically and
/// nothing it names is deleted while it is current. Writers hold <see cref="StoreLock"/>.
/// </summary>
public sealed class RecoveryStore
{
    private ChunkIndex? _index;

    private RecoveryStore(StoreLayout layout, CatalogDocument catalog)
    {
        Layout = layout;
        Catalog = catalog;
    }

    public StoreLayout Layout { get; }

    public CatalogDocument Catalog { get; private set; }

    public bool Exists => File.Exists(Layout.Catalog);

    /// <summary>Opens a store for reading. A missing store reads as empty.</summary>
    public static RecoveryStore Open(string root)
    {
        var layout = new StoreLayout(root);
        return new RecoveryStore(layout, CatalogFile.Read(layout.Catalog));
    }

    /// <summary>Creates the store's directories if needed (0700: the store holds copies of /etc secrets).</summary>
    public static void Initialize(StoreLayout layout)
    {
        if (!Directory.Exists(layout.Root))
        {
            DurableFile.EnsureDirectory(layout.Root);
            DiskSteps.Chmod(layout.Root, 0b111_000_000);
        }
        DurableFile.EnsureDirectory(layout.Packs);
        DurableFile.EnsureDirectory(layout.Manifests);
        DurableFile.EnsureDirectory(layout.Temp);
    }

    /// <summary>Every committed chunk's location, read from the pack indexes on first use (by one thread: content workers
    /// ask for it only when a chunk is not staged, possibly together).</summary>
    public ChunkIndex Index
    {
        get
        {
            if (Volatile.Read(ref _index) is { } index)
                return index;
            lock (_indexLock)
            {
                if (_index is null)
                    Volatile.Write(ref _index, ChunkIndex.Load(Layout, Catalog.Packs));
                return _index;
            }
        }
    }

    private readonly Lock _indexLock = new();

    public RecoveryPointRecord? FindPoint(string id)
    {
        foreach (var point in Catalog.Points)
            if (point.Id == id)
                return point;
        return null;
    }

    /// <summary>Finds a point by id, unique id prefix, "latest" or "last-known-good"; a miss is <see cref="RollbackErrorKind.NotFound"/>.</summary>
    public RecoveryPointRecord GetPoint(string idOrPrefix)
    {
        if (idOrPrefix == LastKnownGood.Alias)
            return LastKnownGood.Find(Catalog) ?? throw new RollbackException(RollbackErrorKind.NotFound,
                $"no recovery point in store {Layout.Root} is marked last-known-good (see 'rollbackctl mark-good')");
        if (idOrPrefix == "latest" && Catalog.Points.Count > 0)
            return Catalog.Points.MaxBy(p => p.Sequence)!;
        RecoveryPointRecord? match = null;
        foreach (var point in Catalog.Points)
        {
            if (point.Id == idOrPrefix)
                return point;
            if (idOrPrefix.Length >= 4 && point.Id.StartsWith(idOrPrefix, StringComparison.Ordinal))
            {
                if (match is not null)
                    throw new RollbackException(RollbackErrorKind.InvalidInput, $"recovery point id '{idOrPrefix}' is ambiguous in store {Layout.Root}");
                match = point;
            }
        }
        return match ?? throw new RollbackException(RollbackErrorKind.NotFound,
            $"recovery point '{idOrPrefix}' does not exist in store {Layout.Root} (see 'rollbackctl list')");
    }

    /// <summary>Loads and checks a component's manifest: its bytes must hash to its name.</summary>
    public Manifest LoadManifest(RecoveryPointRecord point, ComponentSnapshotRecord component)
    {
        if (!Hash256.TryParse(component.Manifest, out var hash))
            throw CorruptManifest(point, component, "its name in the catalog is invalid");
        string path = Layout.ManifestPath(hash);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw CorruptManifest(point, component, $"{path} is missing");
        }
        if (Hash256.Compute(bytes) != hash)
            throw CorruptManifest(point, component, $"{path} does not match its hash");
        try
        {
            return ManifestCodec.Decode(bytes);
        }
        catch (FormatException e)
        {
            throw CorruptManifest(point, component, $"{path}: {e.Message}");
        }
    }

    private static RollbackException CorruptManifest(RecoveryPointRecord point, ComponentSnapshotRecord component, string why) =>
        new(RollbackErrorKind.CorruptedData, $"recovery point {point.Id} component {component.Name}: manifest is damaged: {why}");

    /// <summary>Writes a manifest under its hash unless an identical one is already there. Data fsynced; the caller fsyncs the directory.</summary>
    public Hash256 WriteManifest(byte[] encoded, out bool added)
    {
        var hash = Hash256.Compute(encoded);
        string path = Layout.ManifestPath(hash);
        added = !File.Exists(path);
        if (added)
        {
            string temp = Path.Combine(Layout.Temp, hash + ".mf");
            DiskSteps.DeleteFile(temp);
            DurableFile.WriteNew(temp, encoded);
            DiskSteps.Move(temp, path);
        }
        return hash;
    }

    /// <summary>Writes a block image's chunk fingerprints beside manifest <paramref name="manifest"/> unless some are already
    /// there (any intact set serves). Data fsynced; the caller fsyncs the directory, as for the manifest.</summary>
    public void WriteFingerprints(in Hash256 manifest, ChunkFingerprints fingerprints)
    {
        string path = Layout.FingerprintPath(manifest);
        if (File.Exists(path))
            return;
        string temp = Path.Combine(Layout.Temp, Path.GetFileName(path));
        DiskSteps.DeleteFile(temp);
        DurableFile.WriteNew(temp, fingerprints.Encode(manifest));
        DiskSteps.Move(temp, path);
    }

    /// <summary>The chunk fingerprints of a block component's image, checked against its manifest and itself; null where
    /// there are none (a tree component, or a point taken before fingerprints were kept). Damage is
    /// <see cref="RollbackErrorKind.CorruptedData"/>.</summary>
    public ChunkFingerprints? LoadFingerprints(ComponentSnapshotRecord component)
    {
        if (component.Block is null || !Hash256.TryParse(component.Manifest, out var hash))
            return null;
        string path = Layout.FingerprintPath(hash);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        try
        {
            return ChunkFingerprints.Decode(bytes, hash);
        }
        catch (FormatException e)
        {
            throw new RollbackException(RollbackErrorKind.CorruptedData,
                $"component {component.Name}: chunk fingerprints {path} are damaged: {e.Message}");
        }
    }

    /// <summary>Commits a new catalog (the rename is the commit point) and makes it this store's state.</summary>
    public void Commit(CatalogDocument next)
    {
        CatalogFile.Commit(Layout.Catalog, next);
        Catalog = next;
        _index = null;
    }

    /// <summary>Removes what interrupted writers left: packs and manifests the catalog does not name, and tmp/.
    /// Only under the store lock. Returns the number of files removed.</summary>
    public int CollectLeftovers()
    {
        int removed = 0;
        if (!Directory.Exists(Layout.Root))
            return 0;
        var packs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pack in Catalog.Packs)
        {
            packs.Add(pack.Id + ".pack");
            packs.Add(pack.Id + ".idx");
        }
        removed += RemoveUnnamed(Layout.Packs, packs);
        var manifests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in Catalog.Points)
            foreach (var component in point.Components)
            {
                manifests.Add(component.Manifest + ".mf");
                manifests.Add(component.Manifest + StoreLayout.FingerprintExtension);
            }
        removed += RemoveUnnamed(Layout.Manifests, manifests);
        removed += RemoveUnnamed(Layout.Temp, []);
        var subvolumes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in Catalog.Points)
            foreach (var component in point.Components)
                if (component.Subvolume)
                    subvolumes.Add(StoreLayout.SubvolumeName(point.Id, component.Name));
        removed += RemoveUnnamed(Layout.Subvolumes, subvolumes);
        foreach (string stale in Directory.EnumerateFiles(Layout.Root, ".catalog.tmp-*"))
        {
            DiskSteps.DeleteFile(stale);
            removed++;
        }
        if (removed > 0)
            DiskSteps.FsyncDirectory(Layout.Root);
        return removed;
    }

    private static int RemoveUnnamed(string directory, HashSet<string> keep)
    {
        if (!Directory.Exists(directory))
            return 0;
        int removed = 0;
        foreach (string path in Directory.EnumerateFileSystemEntries(directory))
        {
            if (keep.Contains(Path.GetFileName(path)))
                continue;
            // A btrfs snapshot (of a pruned point, or of a swap cut short) goes by ioctl: rm cannot remove a read-only one.
            if (Btrfs.IsSubvolume(path))
                DiskSteps.DeleteSubvolume(directory, Path.GetFileName(path));
            else if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint))
                DiskSteps.DeleteTree(path);
            else
                DiskSteps.DeleteFile(path);
            removed++;
        }
        if (removed > 0)
            DiskSteps.FsyncDirectory(directory);
        return removed;
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
