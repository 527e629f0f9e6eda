using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// Holds a reference on a SafeHandle for the duration of a native call so that a concurrent Dispose
/// cannot close (and the kernel recycle) the descriptor underneath us.
/// </summary>
internal ref struct FdLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    public FdLease(SafeHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added); // throws ObjectDisposedException on a closed handle
        Fd = (int)handle.DangerousGetHandle();
    }

    public int Fd { get; }

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}
