using Kernel.Update.Rollback.Components;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>
/// A loaded and validated configuration; immutable. Only <see cref="ConfigLoader"/> makes one, so holding
/// one means every rule of the file format held.
/// </summary>
public sealed class RollbackConfig
{
    public const string DefaultRoot = "/";
    public const string DefaultStore = "/var/lib/rollback";
    public const long DefaultReserveBytes = 16L << 20;

    internal RollbackConfig(
        string sourcePath, string root, string store, ComponentGraph graph, RetentionSettings retention,
        ChunkingSettings chunking, CompressionSettings compression, long reserveBytes, BootSettings boot,
        MonitorSettings monitor, AutoRollbackSettings autoRollback)
    {
        SourcePath = sourcePath;
        Root = root;
        Store = store;
        Graph = graph;
        Retention = retention;
        Chunking = chunking;
        Compression = compression;
        ReserveBytes = reserveBytes;
        Boot = boot;
        Monitor = monitor;
        AutoRollback = autoRollback;
    }

    /// <summary>The file this was read from (for messages).</summary>
    public string SourcePath { get; }

    /// <summary>The device root, absolute and normalized; it need not exist yet.</summary>
    public string Root { get; }

    /// <summary>The store directory, absolute and normalized.</summary>
    public string Store { get; }

    /// <summary>In declaration order.</summary>
    public IReadOnlyList<Component> Components => Graph.Components;

    public ComponentGraph Graph { get; }

    public RetentionSettings Retention { get; }

    public ChunkingSettings Chunking { get; }

    public CompressionSettings Compression { get; }

    /// <summary>Free space a snapshot must leave on the store's file system.</summary>
    public long ReserveBytes { get; }

    public BootSettings Boot { get; }

    public MonitorSettings Monitor { get; }

    public AutoRollbackSettings AutoRollback { get; }

    /// <summary>The absolute location of a component: its tree under the root, or its block device or image.</summary>
    public string Locate(Component component) =>
        component.IsTree
            ? (component.Path == ComponentPath.RootItself ? Root : Path.Join(Root, component.Path))
            : LocateBlock(component.Block!);

    /// <summary>A block device or image file as configured: absolute, or relative to the root.</summary>
    public string LocateBlock(string block) => Path.IsPathRooted(block) ? block : Path.Join(Root, block);
}
