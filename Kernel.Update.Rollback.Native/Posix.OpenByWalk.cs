using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Native;

public static unsafe partial class Posix
{
    // Set once openat2 answered ENOSYS: the kernel (or an emulator) will not grow it while we run.
    private static volatile bool s_noOpenAt2;

    /// <summary>
    /// <see cref="OpenBeneath"/> without openat2, for kernels before 5.6 (still common on embedded devices) and
    /// qemu-user before 9.0: one name at a time, each opened relative to the directory before it with O_NOFOLLOW, so
    /// no symlink is ever followed, and ".." or an absolute path is refused with EXDEV before anything is opened
    /// (stricter than RESOLVE_BENEATH, which allows a ".." that stays inside). That is exactly
    /// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, the containment every live-tree access asks for; what a walk cannot
    /// give (following symlinks inside the root, RESOLVE_IN_ROOT, NO_XDEV, CACHED) stays ENOSYS.
    /// </summary>
    internal static SafeFileHandle OpenBeneathByWalk(SafeFileHandle dirFd, string relativePath, OpenFlags flags, uint mode, ResolveFlags resolve)
    {
        const ResolveFlags Walkable = ResolveFlags.Beneath | ResolveFlags.NoSymlinks | ResolveFlags.NoMagicLinks;
        if ((resolve & ResolveFlags.NoSymlinks) == 0 || (resolve & ~Walkable) != 0)
            ThrowHelper.ThrowNative("openat2", relativePath, (int)Errno.ENOSYS,
                $"this kernel has no openat2, and {resolve} cannot be had by a walk with O_NOFOLLOW");
        if (relativePath.StartsWith('/'))
            ThrowHelper.ThrowNative("openat2", relativePath, (int)Errno.EXDEV, "an absolute path is not beneath the directory");

        string[] names = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int last = names.Length - 1;
        while (last >= 0 && names[last] == ".")
            last--;
        foreach (string name in names)
            if (name == "..")
                ThrowHelper.ThrowNative("openat2", relativePath, (int)Errno.EXDEV, "'..' is refused without openat2");

        SafeFileHandle? current = null;
        try
        {
            for (int i = 0; i < last; i++)
            {
                if (names[i] == ".")
                    continue;
                var next = OpenStep(current ?? dirFd, names[i], OpenFlags.ReadOnly | OpenFlags.Directory, 0, relativePath);
                current?.Dispose();
                current = next;
            }
            var opened = OpenStep(current ?? dirFd, last < 0 ? "." : names[last], flags, mode, relativePath);
            // O_PATH|O_NOFOLLOW opens a symlink itself, where RESOLVE_NO_SYMLINKS refuses it.
            if ((flags & OpenFlags.Path) != 0 && FStat(opened).Kind == FileKind.Symlink)
            {
                opened.Dispose();
                ThrowHelper.ThrowNative("openat2", relativePath, (int)Errno.ELOOP, "a symlink, and symlinks are not followed");
            }
            return opened;
        }
        finally
        {
            current?.Dispose();
        }
    }

    /// <summary>openat of one name with O_NOFOLLOW. A symlink opened with O_DIRECTORY fails ENOTDIR (the kernel checks
    /// the type before O_NOFOLLOW); it is reported as ELOOP, as openat2 RESOLVE_NO_SYMLINKS does.</summary>
    private static SafeFileHandle OpenStep(SafeFileHandle dir, string name, OpenFlags flags, uint mode, string relativePath)
    {
        try
        {
            return OpenAt(dir, name, flags | OpenFlags.NoFollow, mode);
        }
        catch (NativeException e) when (e.Error == Errno.ENOTDIR && TryLStatAt(dir, name, out var status) && status.Kind == FileKind.Symlink)
        {
            throw new NativeException("openat2", relativePath, (int)Errno.ELOOP, $"'{name}' is a symlink, and symlinks are not followed");
        }
    }
}
