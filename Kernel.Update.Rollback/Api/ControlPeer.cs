namespace Kernel.Update.Rollback.Api;

/// <summary>The process at the other end of a control connection, as the kernel recorded it at connect(2).</summary>
public sealed record ControlPeer(int Pid, uint Uid, uint Gid)
{
    /// <summary>Who asked, for the audit log.</summary>
    public string Actor => $"control API client pid {Pid} (uid {Uid})";

    public override string ToString() => $"pid {Pid} uid {Uid}";
}
