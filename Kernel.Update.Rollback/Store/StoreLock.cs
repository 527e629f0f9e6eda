using Kernel.Update.Rollback.Concurrency;
using Kernel.Update.Rollback.Errors;
using Microsoft.Win32.SafeHandles;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// One writer at a time: an flock on store/lock, which the kernel drops when the holder dies (kill -9 and
/// power loss leave no stale lock). The holder writes its pid into the file so a refused writer can name it.
/// The lock nests along one flow of control (an <see cref="AsyncLocal{T}"/>): a rollback holds it from start to
/// end, and the safety point it takes acquires it again. Another flow of the same process (the monitor serving a
/// snapshot request while a trigger fires) takes its own descriptor, and flock refuses it as it would refuse
/// another process: the locks belong to open file descriptions, not to processes.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private static readonly AsyncLocal<Holding?> Held = new();
    private readonly Holding? _own;
    private bool _disposed;

    private StoreLock(Holding? own) => _own = own;

    // A writer waits this long before it gives up: another operation may be just finishing, and a process that forks
    // (the engine runs service commands; the monitor runs probes) holds a copy of the lock's descriptor between its
    // fork and its exec, O_CLOEXEC notwithstanding, so even an idle store can refuse for a moment.
    private static readonly TimeSpan WriterPatience = TimeSpan.FromSeconds(2);

    // A probe ("is an operation running?") only rides out such a fork.
    private static readonly TimeSpan ProbePatience = TimeSpan.FromMilliseconds(50);

    /// <exception cref="RollbackException">InvalidState naming the holder's pid when another operation holds the store.</exception>
    public static StoreLock Acquire(StoreLayout layout) =>
        TryAcquire(layout, WriterPatience, out string? holder) ?? throw new RollbackException(RollbackErrorKind.InvalidState,
            $"store {layout.Root} is in use by another operation ({holder}); try again when it has finished");

    /// <summary>The lock, or null when another operation holds it (<paramref name="holder"/> names it).</summary>
    public static StoreLock? TryAcquire(StoreLayout layout, out string? holder) => TryAcquire(layout, ProbePatience, out holder);

    private static StoreLock? TryAcquire(StoreLayout layout, TimeSpan patience, out string? holder)
    {
        holder = null;
        for (var h = Held.Value; h is not null; h = h.Outer)
            if (h.Root == layout.Root)
                return new StoreLock(null);
        long deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
        SafeFileHandle? handle;
        string taken;
        while ((handle = PidLockFile.TryAcquire(layout.Lock, out taken)) is null && Environment.TickCount64 < deadline)
            Thread.Sleep(10);
        if (handle is null)
        {
            holder = taken;
            return null;
        }
        var own = new Holding(layout.Root, handle, Held.Value);
        Held.Value = own;
        return new StoreLock(own);
    }

    private sealed record Holding(string Root, SafeFileHandle Handle, Holding? Outer);

    public void Dispose()
    {
        if (_disposed || _own is null)
            return;
        _disposed = true;
        // Closing the descriptor releases the flock; the pid stays in the file and is overwritten by the next holder.
        _own.Handle.Dispose();
        if (Held.Value == _own)
            Held.Value = _own.Outer;
    }
}
