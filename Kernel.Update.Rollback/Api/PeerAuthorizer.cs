using System.Globalization;
using System.Net.Sockets;
using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Api;

/// <summary>
/// Who may use the control API: root, the server's own effective user, and (when a group is configured) that group's
/// members. The file mode keeps the others from connecting in the first place; this check holds even if someone
/// loosens the mode, and it is what the log names when it refuses.
/// </summary>
internal sealed class PeerAuthorizer(uint serverUid, uint? groupId, string? groupName)
{
    /// <summary>Null when <paramref name="peer"/> may go on, else why not (a sentence for the log and the refusal).</summary>
    public string? Refusal(Socket connection, PeerCredentials peer)
    {
        if (peer.Uid == 0 || peer.Uid == serverUid)
            return null;
        if (groupId is { } gid && (peer.Gid == gid || InSupplementaryGroups(connection, peer.Pid, gid)))
            return null;
        string users = serverUid == 0 ? "root" : $"root and uid {serverUid}";
        string group = groupId is null ? "" : $" and members of group {groupName}";
        return $"the control API is for {users}{group} only, and uid {peer.Uid} (gid {peer.Gid}) is not one of them";
    }

    private static bool InSupplementaryGroups(Socket connection, int pid, uint gid)
    {
        var groups = new List<uint>();
        // SO_PEERGROUPS is taken at connect(2), like SO_PEERCRED. /proc/PID/status is read now: if the peer has exited
        // and its pid been reused, it would describe another process; so it is only the fallback of kernels before 4.13.
        if (!Posix.TryGetPeerGroups(connection, groups))
            ReadProcGroups(pid, groups);
        return groups.Contains(gid);
    }

    private static void ReadProcGroups(int pid, List<uint> groups)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("Groups:", StringComparison.Ordinal))
                    continue;
                foreach (string field in line[7..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    if (uint.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out uint g))
                        groups.Add(g);
                return;
            }
        }
        catch (IOException)
        {
            // The peer is gone: it gets no groups, so no access through them.
        }
    }
}
