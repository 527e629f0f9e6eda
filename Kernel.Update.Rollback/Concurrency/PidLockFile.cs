using Kernel.Update.Rollback.Durability;
using System.Text;
using Kernel.Update.Rollback.Native;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Concurrency;

/// <summary>
/// An exclusive flock on a file that holds its holder's pid, so that a refused taker can name who has it. The kernel
/// drops the lock when the holder dies (kill -9 and power loss leave none behind); the file itself stays, and the next
/// holder overwrites the pid (unlinking a lock file would race with the next taker).
/// </summary>
internal static class PidLockFile
{
    /// <summary>Takes the lock (creating the file 0600), or returns null with <paramref name="holder"/> naming who has it
    /// ("pid N", or "pid unknown").</summary>
    public static SafeFileHandle? TryAcquire(string path, out string holder)
    {
        var handle = Posix.Open(path, OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.NoFollow, 0b110_000_000);
        if (!Posix.TryLockExclusive(handle))
        {
            holder = ReadHolder(handle);
            handle.Dispose();
            return null;
        }
        holder = "";
        try
        {
            DiskSteps.SetLength(handle, 0);
            DiskSteps.Write(handle, Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"), 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return handle;
    }

    private static string ReadHolder(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        int read = RandomAccess.Read(handle, buffer, 0);
        string text = Encoding.ASCII.GetString(buffer[..read]).Trim();
        return int.TryParse(text, out int pid) ? $"pid {pid}" : "pid unknown";
    }
}
