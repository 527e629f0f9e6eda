using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// The system libzstd (zstd.h, stable API only). Bound by soname: libzstd1 is on every Debian system
/// (apt, systemd and btrfs-progs need it) and on most embedded images for the same reasons.
/// </summary>
internal static unsafe partial class ZstdLib
{
    internal const string Library = "libzstd.so.1";

    [LibraryImport(Library)] internal static partial nint ZSTD_createCCtx();
    [LibraryImport(Library)] internal static partial nuint ZSTD_freeCCtx(nint cctx);
    [LibraryImport(Library)] internal static partial nint ZSTD_createDCtx();
    [LibraryImport(Library)] internal static partial nuint ZSTD_freeDCtx(nint dctx);
    [LibraryImport(Library)] internal static partial nuint ZSTD_decompressDCtx(nint dctx, byte* dst, nuint capacity, byte* src, nuint length);
    [LibraryImport(Library)] internal static partial nuint ZSTD_compressBound(nuint length);
    [LibraryImport(Library)] internal static partial nuint ZSTD_CCtx_setParameter(nint cctx, int parameter, int value);
    [LibraryImport(Library)] internal static partial nuint ZSTD_compress2(nint cctx, byte* dst, nuint capacity, byte* src, nuint length);

    // enum ZSTD_cParameter
    internal const int ZSTD_c_compressionLevel = 100;
    internal const int ZSTD_c_windowLog = 101;
    [LibraryImport(Library)] internal static partial uint ZSTD_isError(nuint code);
    [LibraryImport(Library)] internal static partial byte* ZSTD_getErrorName(nuint code);
    [LibraryImport(Library)] internal static partial uint ZSTD_versionNumber();
    [LibraryImport(Library)] internal static partial ulong ZSTD_getFrameContentSize(byte* src, nuint length);
}
