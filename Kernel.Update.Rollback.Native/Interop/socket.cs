#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <sys/socket.h> (the SO_* values come from <asm-generic/socket.h>, which x86_64 and arm64 both use;
// powerpc, mips, sparc and parisc number them differently, and we refuse those architectures anyway).
internal static partial class Libc
{
    internal const int SOL_SOCKET = 1;
    internal const int SO_PEERCRED = 17;
    // Linux 4.13: the peer's supplementary groups as they were at connect(2). Older kernels answer ENOPROTOOPT.
    internal const int SO_PEERGROUPS = 59;

    /// <summary>struct ucred (needs _GNU_SOURCE in C): the peer's credentials as they were at connect(2).</summary>
    internal struct ucred
    {
        public int pid;
        public uint uid;
        public uint gid;
    }
}
