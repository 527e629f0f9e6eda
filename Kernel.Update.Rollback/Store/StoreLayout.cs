namespace Kernel.Update.Rollback.Store;

/// <summary>
/// The files of a store. Everything under packs/ and manifests/ that the catalog does not name is a
/// leftover of an interrupted writer; tmp/ is scratch. The catalog's rename is the commit point.
/// </summary>
public sealed class StoreLayout
{
    public StoreLayout(string root)
    {
        Root = Path.GetFullPath(root);
        Packs = Path.Combine(Root, "packs");
        Manifests = Path.Combine(Root, "manifests");
        Temp = Path.Combine(Root, "tmp");
        Catalog = Path.Combine(Root, "catalog");
        Lock = Path.Combine(Root, "lock");
        BootState = Path.Combine(Root, "boot-state.json");
        TriggerState = Path.Combine(Root, "trigger-state.json");
        Reports = Path.Combine(Root, "reports");
        Subvolumes = Path.Combine(Root, "subvolumes");
    }

    public string Root { get; }
    public string Packs { get; }
    public string Manifests { get; }
    public string Temp { get; }
    public string Catalog { get; }
    public string Lock { get; }

    /// <summary>The boot counter of the pending update (see Boot.BootCounter).</summary>
    public string BootState { get; }

    /// <summary>Automatic rollbacks of this boot and the last one's time (see Triggers.TriggerGate).</summary>
    public string TriggerState { get; }

    /// <summary>Failure reports kept with automatic and emergency rollbacks (see Diagnostics.FailureReports).</summary>
    public string Reports { get; }

    /// <summary>Read-only btrfs snapshots of subvolume components, one per point and component (see Restore.Live.SubvolumeSnapshots).</summary>
    public string Subvolumes { get; }

    /// <summary>The name, under <see cref="Subvolumes"/>, of <paramref name="component"/>'s btrfs snapshot in point <paramref name="pointId"/>.</summary>
    public static string SubvolumeName(string pointId, string component) => pointId + "." + component;

    public string PackPath(string id) => Path.Combine(Packs, id + ".pack");
    public string IndexPath(string id) => Path.Combine(Packs, id + ".idx");
    public string ManifestPath(Hash256 hash) => Path.Combine(Manifests, hash + ".mf");

    /// <summary>A block image's chunk fingerprints, beside its manifest (see Fingerprints.ChunkFingerprints).</summary>
    public string FingerprintPath(Hash256 manifest) => Path.Combine(Manifests, manifest + FingerprintExtension);

    public const string FingerprintExtension = ".fp";

    public static bool IsPackId(ReadOnlySpan<char> id)
    {
        if (id.Length != 16)
            return false;
        foreach (char c in id)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return false;
        return true;
    }
}
