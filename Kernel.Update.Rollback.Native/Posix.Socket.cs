using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

public static partial class Posix
{
    /// <summary>The peer of a connected Unix domain socket (SO_PEERCRED). The kernel took these at connect(2), so a
    /// peer cannot change them afterwards, and they stay right even once its pid is reused.</summary>
    public static PeerCredentials GetPeerCredentials(Socket socket)
    {
        var cred = default(Libc.ucred);
        int length = socket.GetRawSocketOption(Libc.SOL_SOCKET, Libc.SO_PEERCRED, MemoryMarshal.AsBytes(new Span<Libc.ucred>(ref cred)));
        if (length != System.Runtime.CompilerServices.Unsafe.SizeOf<Libc.ucred>())
            ThrowHelper.ThrowNative("getsockopt", null, (int)Errno.EINVAL, $"SO_PEERCRED returned {length} bytes");
        return new PeerCredentials(cred.pid, cred.uid, cred.gid);
    }

    /// <summary>
    /// The peer's supplementary groups as they were at connect(2) (SO_PEERGROUPS), added to <paramref name="groups"/>;
    /// false when the kernel cannot tell (before Linux 4.13) or the peer has more than <paramref name="max"/> groups.
    /// </summary>
    public static bool TryGetPeerGroups(Socket socket, List<uint> groups, int max = 256)
    {
        uint[] buffer = new uint[max];
        int length;
        try
        {
            length = socket.GetRawSocketOption(Libc.SOL_SOCKET, Libc.SO_PEERGROUPS, MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
        catch (SocketException)
        {
            return false; // ENOPROTOOPT on an old kernel, ERANGE past max groups
        }
        groups.AddRange(buffer.AsSpan(0, length / sizeof(uint)));
        return true;
    }
}
