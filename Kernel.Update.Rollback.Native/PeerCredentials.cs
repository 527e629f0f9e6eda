namespace Kernel.Update.Rollback.Native;

/// <summary>Who is at the other end of a Unix domain socket, as the kernel recorded it at connect(2) (SO_PEERCRED).</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid);
