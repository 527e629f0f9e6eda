using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

// Throw sites kept out of line so the wrappers stay small.
internal static class ThrowHelper
{
    [DoesNotReturn]
    internal static void ThrowNative(string call, string? path, int errno, string? detail = null) =>
        throw new NativeException(call, path, errno, detail);

    /// <summary>Reads errno from the last P/Invoke and throws.</summary>
    [DoesNotReturn]
    internal static void ThrowLast(string call, string? path, string? detail = null) =>
        throw new NativeException(call, path, Marshal.GetLastPInvokeError(), detail);

    [DoesNotReturn]
    internal static void ThrowNulInString(string paramName) =>
        throw new ArgumentException("Embedded NUL character: the C side would silently truncate the string.", paramName);

    [DoesNotReturn]
    internal static void ThrowUnsupportedArchitecture() =>
        throw new PlatformNotSupportedException(
            $"Kernel.Update.Rollback.Native knows the Linux constants of x64 and arm64 only, not {RuntimeInformation.ProcessArchitecture}.");
}
