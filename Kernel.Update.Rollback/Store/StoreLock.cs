using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Errors;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// One writer at a time: an flock on store/lock, which the kernel drops when the holder dies (kill -9 and
/// power loss leave no stale lock). The holder writes its pid into the file so a refused writer can name it.
/// Within one process the lock nests: a rollback holds it from start to end, and the safety point it takes
/// acquires it again (a second flock on a new descriptor would refuse its own process).
/// </summary>
public sealed class StoreLock : IDisposable
{
    private static readonly Dictionary<string, (SafeFileHandle Handle, int Holders)> Held = new(StringComparer.Ordinal);
    private readonly string _root;
    private bool _disposed;

    private StoreLock(string root) => _root = root;

    public static StoreLock Acquire(StoreLayout layout)
    {
        lock (Held)
        {
            if (Held.TryGetValue(layout.Root, out var held))
            {
                Held[layout.Root] = (held.Handle, held.Holders + 1);
                return new StoreLock(layout.Root);
            }
            Held[layout.Root] = (Lock(layout), 1);
            return new StoreLock(layout.Root);
        }
    }

    private static SafeFileHandle Lock(StoreLayout layout) =>
        PidLockFile.TryAcquire(layout.Lock, out string holder) ?? throw new RollbackException(RollbackErrorKind.InvalidState,
            $"store {layout.Root} is in use by another operation ({holder}); try again when it has finished");

    public void Dispose()
    {
        lock (Held)
        {
            if (_disposed)
                return;
            _disposed = true;
            var held = Held[_root];
            if (held.Holders > 1)
            {
                Held[_root] = (held.Handle, held.Holders - 1);
                return;
            }
            Held.Remove(_root);
            // Closing the descriptor releases the flock; the pid stays in the file and is overwritten by the next holder.
            held.Handle.Dispose();
        }
    }
}
