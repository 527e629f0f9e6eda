using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Health;

/// <summary>Free space of the file system holding a path (statvfs f_bavail: what an unprivileged writer can still use) against thresholds.</summary>
internal static class DiskProbe
{
    public static ProbeOutcome Check(DiskProbeSpec spec, string path)
    {
        StatVfs vfs;
        try
        {
            vfs = Posix.StatVfs(path);
        }
        catch (NativeException e) when (e.Error is Errno.ENOENT or Errno.ENOTDIR)
        {
            return ProbeOutcome.Fail($"{path} does not exist");
        }
        long available = (long)Math.Min(vfs.AvailableBytes, long.MaxValue);
        return ProbeOutcome.At(spec.Thresholds.Below(available),
            $"{Units.Bytes(available)} available on the file system of {path} ({spec.Thresholds.Describe("below", Units.Bytes)})");
    }
}
