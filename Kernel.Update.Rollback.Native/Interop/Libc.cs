using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// Raw libc entry points, one partial file per C header, C names kept verbatim.
/// All functions return the C result; read errno with <see cref="Marshal.GetLastPInvokeError"/> right after the call.
/// </summary>
/// <remarks>
/// Some functions are variadic in C (open, openat, ioctl, syscall). They are declared here with fixed
/// integer/pointer parameters, which is ABI-compatible on x86_64 (SysV) and Linux arm64 (AAPCS64):
/// integer varargs travel in the same registers as fixed ones. Not true on Apple arm64 — Linux only.
/// </remarks>
internal static unsafe partial class Libc
{
    // "libc" is mapped by the runtime to libc.so.6 on glibc systems.
    internal const string libc = "libc";

    // Properties, not static fields: the per-architecture fields (O_DIRECTORY, SYS_mknodat, ...) are initialized from
    // these in other files of this partial class, and C# runs static initializers of partial files in an order it
    // does not promise. As fields, IsArm64 could still read false when O_DIRECTORY's initializer ran: an arm64 build
    // then opened directories with x86_64's O_DIRECTORY (arm64's O_DIRECT), and every openat failed with EINVAL.
    internal static bool IsArm64 => RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    internal static bool IsX64 => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>Per-architecture values are only known for 64-bit x86 and arm; refuse the rest instead of guessing.</summary>
    internal static void EnsureSupportedArchitecture()
    {
        if (!IsArm64 && !IsX64)
            ThrowHelper.ThrowUnsupportedArchitecture();
    }
}
