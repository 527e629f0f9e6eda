using Kernel.Update.Rollback.Native;

namespace Kernel.Update.Rollback.Health;

/// <summary>A path exists (following links: a dangling link is not there) and, if asked, was modified recently.</summary>
internal static class FileProbe
{
    public static ProbeOutcome Check(FileProbeSpec spec, string path, DateTimeOffset now)
    {
        FileStatus status;
        try
        {
            status = Posix.Stat(path);
        }
        catch (NativeException e) when (e.Error is Errno.ENOENT or Errno.ENOTDIR)
        {
            return ProbeOutcome.Fail($"{path} does not exist");
        }
        if (spec.MaxAgeSeconds is not { } maxAge)
            return ProbeOutcome.Pass($"{path} exists");

        var modified = DateTimeOffset.FromUnixTimeSeconds(status.MTimeSeconds).AddTicks(status.MTimeNanoseconds / 100);
        // A clock set back after the write makes the file look as if from the future: that is fresh, not stale.
        long age = Math.Max(0, (long)(now - modified).TotalSeconds);
        return age <= maxAge
            ? ProbeOutcome.Pass($"{path} was modified {age} s ago (at most {maxAge} s)")
            : ProbeOutcome.Fail($"{path} was last modified {age} s ago, more than {maxAge} s");
    }
}
