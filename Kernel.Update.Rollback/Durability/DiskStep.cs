using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Durability;

/// <summary>One step that changes the disk, as <see cref="IDiskStepObserver"/> sees it. A place is a path, or a
/// directory handle and a name in it; <see cref="Handle"/> is the open file of data steps and file syncs.</summary>
internal readonly struct DiskStep
{
    public DiskStep(DiskStepKind kind, string? path = null, SafeFileHandle? handle = null)
    {
        Kind = kind;
        Path = path;
        Handle = handle;
    }

    public DiskStep(DiskStepKind kind, SafeFileHandle directory, string name)
    {
        Kind = kind;
        Directory = directory;
        Name = name;
    }

    public DiskStepKind Kind { get; }
    public string? Path { get; }
    public SafeFileHandle? Directory { get; }
    public string? Name { get; }
    public SafeFileHandle? Handle { get; }

    /// <summary>Where a rename or a hard link goes.</summary>
    public string? ToPath { get; init; }
    public SafeFileHandle? ToDirectory { get; init; }
    public string? ToName { get; init; }

    public long Offset { get; init; }
    public long Length { get; init; }
}
