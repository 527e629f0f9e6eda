#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <linux/openat2.h>
internal static partial class Libc
{
    internal const ulong RESOLVE_NO_XDEV = 0x01;
    internal const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    internal const ulong RESOLVE_NO_SYMLINKS = 0x04;
    internal const ulong RESOLVE_BENEATH = 0x08;
    internal const ulong RESOLVE_IN_ROOT = 0x10;
    internal const ulong RESOLVE_CACHED = 0x20;

    // Extensible struct: the kernel rejects non-zero bytes it does not know, so always zero-fill.
    internal struct open_how
    {
        public ulong flags;
        public ulong mode;
        public ulong resolve;
    }
}
