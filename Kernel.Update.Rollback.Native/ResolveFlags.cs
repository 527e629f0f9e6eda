namespace Kernel.Update.Rollback.Native;

/// <summary>openat2 RESOLVE_* flags (same values on every architecture).</summary>
[Flags]
public enum ResolveFlags : ulong
{
    None = 0,
    /// <summary>Refuse to cross a mount point (EXDEV).</summary>
    NoXdev = Libc.RESOLVE_NO_XDEV,
    /// <summary>Refuse /proc magic links such as /proc/self/fd/N (ELOOP).</summary>
    NoMagicLinks = Libc.RESOLVE_NO_MAGICLINKS,
    /// <summary>Refuse every symlink on the way, including the last component (ELOOP).</summary>
    NoSymlinks = Libc.RESOLVE_NO_SYMLINKS,
    /// <summary>Refuse anything that resolves outside the directory, via ".." or an absolute symlink (EXDEV).</summary>
    Beneath = Libc.RESOLVE_BENEATH,
    /// <summary>Treat the directory as the root: ".." and absolute symlinks stay inside it.</summary>
    InRoot = Libc.RESOLVE_IN_ROOT,
    /// <summary>Only resolve from the dcache; EAGAIN otherwise.</summary>
    Cached = Libc.RESOLVE_CACHED,
}
