using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Restore.Live;

/// <summary>
/// A component's live tree, held by a descriptor of its root opened beneath the device root without following
/// any symlink. Every later access goes through that descriptor with openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS
/// or *at calls on a name in a directory so opened, so no write can land outside the component, whatever
/// symlinks the live tree holds or grows meanwhile.
/// </summary>
public sealed class ComponentTree : IDisposable
{
    private const ResolveFlags Contained = ResolveFlags.Beneath | ResolveFlags.NoSymlinks;

    private ComponentTree(string componentName, string absolute, SafeFileHandle root)
    {
        ComponentName = componentName;
        AbsoluteRoot = absolute;
        Root = root;
    }

    public string ComponentName { get; }

    /// <summary>For messages only: the root as a path.</summary>
    public string AbsoluteRoot { get; }

    public SafeFileHandle Root { get; }

    /// <summary>Opens the component's root <paramref name="componentPath"/> beneath <paramref name="deviceRoot"/>;
    /// null when it does not exist and <paramref name="create"/> is false. A symlink on the way is refused as
    /// <see cref="RollbackErrorKind.SystemInInvalidState"/> unless <paramref name="create"/> (then it is replaced).</summary>
    public static ComponentTree? Open(string componentName, string deviceRoot, string componentPath, bool create)
    {
        using var device = Posix.OpenDirectory(deviceRoot);
        string absolute = componentPath == "." ? deviceRoot : Path.Join(deviceRoot, componentPath);
        if (componentPath == ".")
            return new ComponentTree(componentName, absolute, Posix.OpenAt(device, ".", OpenFlags.ReadOnly | OpenFlags.Directory));
        SafeFileHandle current = Posix.OpenAt(device, ".", OpenFlags.ReadOnly | OpenFlags.Directory);
        try
        {
            foreach (string segment in componentPath.Split('/'))
            {
                if (!Posix.TryLStatAt(current, segment, out var status))
                {
                    if (!create)
                        return null;
                    DiskSteps.CreateDirectoryAt(current, segment, 0b111_101_101);
                }
                else if (status.Kind != FileKind.Directory)
                {
                    if (!create)
                        throw new RollbackException(RollbackErrorKind.SystemInInvalidState,
                            $"component {componentName}: {absolute} is reached through {segment}, which is a {status.Kind}, not a directory");
                    // The snapshot says a directory lives here: the impostor goes, nothing is written through it.
                    DiskSteps.UnlinkAt(current, segment, removeDir: false);
                    DiskSteps.CreateDirectoryAt(current, segment, 0b111_101_101);
                }
                var next = Posix.OpenBeneath(current, segment, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, 0, Contained);
                current.Dispose();
                current = next;
            }
            var tree = new ComponentTree(componentName, absolute, current);
            current = null!;
            return tree;
        }
        finally
        {
            current?.Dispose();
        }
    }

    /// <summary>Opens directory <paramref name="relative"/> ("" for the root) of the tree, refusing symlinks and escapes.</summary>
    public SafeFileHandle OpenDirectory(string relative) =>
        relative.Length == 0
            ? Posix.OpenAt(Root, ".", OpenFlags.ReadOnly | OpenFlags.Directory)
            : Posix.OpenBeneath(Root, relative, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, 0, Contained);

    /// <summary>The path through which l*xattr calls reach <paramref name="name"/> in an open directory without
    /// resolving any path component but the last, which the l-calls do not follow.</summary>
    public static string XattrPath(SafeFileHandle directory, string name) =>
        $"/proc/self/fd/{directory.DangerousGetHandle()}/{name}";

    public string Describe(string relative) => relative.Length == 0 ? AbsoluteRoot : AbsoluteRoot + "/" + relative;

    public void Dispose() => Root.Dispose();
}
