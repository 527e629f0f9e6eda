using System.Runtime.InteropServices;

#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <grp.h>
internal static unsafe partial class Libc
{
    internal struct group
    {
        public byte* gr_name;
        public byte* gr_passwd;
        public uint gr_gid;
        public byte** gr_mem;
    }

    /// <summary>Returns 0 with *result null when there is no such group, ERANGE when buf is too small. Goes through
    /// NSS, so groups from /etc/group, systemd-userdb or a directory service are all found.</summary>
    [LibraryImport(libc)]
    internal static partial int getgrnam_r(byte* name, group* grp, byte* buf, nuint buflen, group** result);
}
