using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// The system libzstd (zstd.h, the stable API, and one experimental parameter, ZSTD_d_stableOutBuffer, which
/// <see cref="ZstdDecompressor.TryDecompressPrefix"/> checks at run time and goes without). Bound by soname: libzstd1 is
/// on every Debian system (apt, systemd and btrfs-progs need it) and on most embedded images for the same reasons.
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
    [LibraryImport(Library)] internal static partial nuint ZSTD_DCtx_setParameter(nint dctx, int parameter, int value);
    [LibraryImport(Library)] internal static partial nuint ZSTD_DCtx_reset(nint dctx, int reset);
    [LibraryImport(Library)] internal static partial nuint ZSTD_decompressStream(nint dctx, OutBuffer* output, InBuffer* input);

    /// <summary>ZSTD_inBuffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>ZSTD_outBuffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    // enum ZSTD_ResetDirective
    internal const int ZSTD_reset_session_only = 1;
    // ZSTD_d_stableOutBuffer (ZSTD_d_experimentalParam2, zstd.h under ZSTD_STATIC_LINKING_ONLY, libzstd 1.4.4 and later)
    internal const int ZSTD_d_stableOutBuffer = 1001;
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
