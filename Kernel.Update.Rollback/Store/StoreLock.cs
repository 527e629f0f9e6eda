using System.Text;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// One writer at a time: an flock on store/lock, which the kernel drops when the holder dies (kill -9 and
/// power loss leave no stale lock). The holder writes its pid into the file so a refused writer can name it.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly SafeFileHandle _handle;

    private StoreLock(SafeFileHandle handle) => _handle = handle;

    public static StoreLock Acquire(StoreLayout layout)
    {
        var handle = Posix.Open(layout.Lock, OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.NoFollow, 0b110_000_000);
        if (!Posix.TryLockExclusive(handle))
        {
            string holder = ReadHolder(handle);
            handle.Dispose();
            throw new RollbackException(RollbackErrorKind.InvalidState,
                $"store {layout.Root} is in use by another operation ({holder}); try again when it has finished");
        }
        byte[] pid = Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
        RandomAccess.SetLength(handle, 0);
        RandomAccess.Write(handle, pid, 0);
        return new StoreLock(handle);
    }

    private static string ReadHolder(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        int read = RandomAccess.Read(handle, buffer, 0);
        string text = Encoding.ASCII.GetString(buffer[..read]).Trim();
        return int.TryParse(text, out int pid) ? $"pid {pid}" : "pid unknown";
    }

    public void Dispose()
    {
        // Closing the descriptor releases the flock; the pid stays in the file and is overwritten by the next holder.
        _handle.Dispose();
    }
}
