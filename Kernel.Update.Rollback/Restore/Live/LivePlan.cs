using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// What it takes to make a live tree equal to a component snapshot: live names to remove (topmost only; a
/// directory goes with everything in it), snapshot entries to create (content written anew), entries whose
/// metadata alone differs. <see cref="Changes"/> says the same for people. The entries are those of
/// <see cref="Manifest"/>, the snapshot the plan was made against.
/// </summary>
public sealed class LivePlan(Manifest manifest)
{
    public Manifest Manifest { get; } = manifest;

    public List<string> Remove { get; } = [];

    public HashSet<ManifestEntry> Create { get; } = new(ReferenceEqualityComparer.Instance);

    public HashSet<ManifestEntry> FixMetadata { get; } = new(ReferenceEqualityComparer.Instance);

    public List<LiveChange> Changes { get; } = [];

    public bool IsEmpty => Remove.Count == 0 && Create.Count == 0 && FixMetadata.Count == 0;
}
