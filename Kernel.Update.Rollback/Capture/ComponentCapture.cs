using Kernel.Update.Rollback.Components;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Capture;

/// <summary>One component's part of a snapshot in progress: its entries as walked and the counters for its record.</summary>
internal sealed class ComponentCapture(Component component, string absoluteRoot)
{
    public Component Component { get; } = component;
    public string AbsoluteRoot { get; } = absoluteRoot;
    public List<ManifestEntry> Entries { get; } = [];
    public long Files;
    public long DataBytes;
    public long ReadBytes;
    public long AddedBytes;
    public long ReusedFiles;
}
