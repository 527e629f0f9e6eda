namespace Kernel.Update.Rollback.Durability;

/// <summary>What a step through <see cref="DiskSteps"/> does to the disk. Three families matter to a power cut:
/// data (lost unless the file is synced), names (lost unless their directory is synced) and the syncs themselves.</summary>
internal enum DiskStepKind
{
    // Data of a file or device: durable only after FsyncFile or SyncFileSystem.
    CreateFile,
    Write,
    SetLength,
    CloneFile,

    // Names and metadata in a directory: durable only after FsyncDirectory of that directory or SyncFileSystem.
    CreateDirectory,
    CreateSymlink,
    CreateHardLink,
    CreateNode,
    Rename,
    Unlink,
    RemoveDirectory,
    RemoveTree,
    CreateSubvolumeSnapshot,
    DeleteSubvolume,
    SetOwner,
    SetMode,
    SetTimes,
    SetXattr,
    RemoveXattr,

    // The steps that make earlier ones durable.
    FsyncFile,
    FsyncDirectory,
    SyncFileSystem,
}
