namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>How a live entry differs from its recovery point, as <c>rollbackctl diff</c> reports it.</summary>
public enum LiveChangeKind
{
    /// <summary>Live has it; the recovery point does not.</summary>
    Added,
    /// <summary>The recovery point has it; live does not.</summary>
    Removed,
    /// <summary>Content, type, link target or device number differs.</summary>
    Modified,
    /// <summary>Only mode, owner, extended attributes or mtime differ.</summary>
    Metadata,
}

/// <summary>One difference between a live tree and a component snapshot; <see cref="Path"/> is relative to the component.</summary>
public sealed record LiveChange(string Path, LiveChangeKind Kind, string Detail);
