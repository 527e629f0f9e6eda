using System.Runtime.InteropServices;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// One-shot zstd compression and decompression through the system libzstd. Measured on this project's
/// minbase tree (297 MB, 64 KiB blocks, level 3): libzstd 1.5.4 712 ms, the managed ZstdSharp port 1350 ms.
/// Each instance owns one zstd context: not thread-safe, keep one per worker.
/// </summary>
public sealed unsafe class ZstdCompressor : IDisposable
{
    private nint _context;

    /// <param name="level">zstd level (1..19).</param>
    /// <param name="windowLog">log2 of the match window, 0 for the level's default. A window that spans the whole
    /// input finds matches the level's default (2 MiB at level 3) cannot, at no cost in speed.</param>
    public ZstdCompressor(int level, int windowLog = 0)
    {
        _context = Zstd.Call(static () => ZstdLib.ZSTD_createCCtx());
        if (_context == 0)
            throw new OutOfMemoryException("ZSTD_createCCtx returned NULL");
        Check(ZstdLib.ZSTD_CCtx_setParameter(_context, ZstdLib.ZSTD_c_compressionLevel, level), "compression level", level);
        if (windowLog != 0)
            Check(ZstdLib.ZSTD_CCtx_setParameter(_context, ZstdLib.ZSTD_c_windowLog, windowLog), "window log", windowLog);
    }

    private void Check(nuint result, string what, int value)
    {
        if (ZstdLib.ZSTD_isError(result) == 0)
            return;
        Dispose();
        throw new ArgumentOutOfRangeException(what, value, $"zstd rejects {what} {value}: {Zstd.ErrorName(result)}");
    }

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/>, which must hold
    /// <see cref="Zstd.CompressBound"/> bytes. Returns the compressed length.</summary>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        nuint result;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
            result = ZstdLib.ZSTD_compress2(_context, dst, (nuint)destination.Length, src, (nuint)source.Length);
        if (ZstdLib.ZSTD_isError(result) != 0)
            throw new InvalidOperationException($"ZSTD_compress2 failed: {Zstd.ErrorName(result)}");
        return (int)result;
    }

    public void Dispose()
    {
        if (_context != 0)
            ZstdLib.ZSTD_freeCCtx(_context);
        _context = 0;
    }
}

/// <summary>One zstd decompression context; see <see cref="ZstdCompressor"/>.</summary>
public sealed unsafe class ZstdDecompressor : IDisposable
{
    private nint _context;

    public ZstdDecompressor()
    {
        _context = Zstd.Call(static () => ZstdLib.ZSTD_createDCtx());
        if (_context == 0)
            throw new OutOfMemoryException("ZSTD_createDCtx returned NULL");
    }

    /// <summary>Decompresses one or more whole frames. Returns the decompressed length, or -1 when the input is
    /// not valid zstd or does not fit <paramref name="destination"/> (which is what damage looks like).</summary>
    public int TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        nuint result;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
            result = ZstdLib.ZSTD_decompressDCtx(_context, dst, (nuint)destination.Length, src, (nuint)source.Length);
        return ZstdLib.ZSTD_isError(result) != 0 ? -1 : (int)result;
    }

    // A second context for streamed decodes: it writes into the caller's buffer (stable output), which the one-shot calls of
    // TryDecompress need not know about. Made on first use; 0 once the library refused stable output.
    private nint _streamContext;
    private bool _streamUnsupported;

    /// <summary>The stored bytes handed to the decoder at a time while streaming: it decodes every whole block
    /// (at most 128 KiB plain) it is given, so decoding stops within a block or two of the prefix asked for.</summary>
    private const int StreamInputStep = 16 << 10;

    /// <summary>
    /// Decodes at least the first <paramref name="wanted"/> bytes of the one frame in <paramref name="source"/>, whose
    /// whole decoded length is <paramref name="destination"/>'s, and stops there: a caller that needs only chunks near
    /// the start of a frame is spared decoding the rest. Returns how many bytes are decoded (at least
    /// <paramref name="wanted"/>), or -1 as <see cref="TryDecompress"/>. Where the library lacks stable output
    /// (ZSTD_d_stableOutBuffer, which lets it decode straight into <paramref name="destination"/> with no window buffer
    /// of its own), the whole frame is decoded.
    /// </summary>
    public int TryDecompressPrefix(ReadOnlySpan<byte> source, Span<byte> destination, int wanted)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wanted, destination.Length);
        if (wanted == destination.Length || !TryBeginStream())
            return TryDecompress(source, destination);
        return ContinueStream(source, destination, wanted, lastPiece: true);
    }

    // How many plain bytes the decode begun by TryBeginStream has made so far.
    private int _streamMade;

    /// <summary>Begins a decode fed by <see cref="ContinueStream"/> a piece of the stored frame at a time; false where the
    /// library lacks stable output (then the caller decodes the whole frame with <see cref="TryDecompress"/>).</summary>
    public bool TryBeginStream()
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (!StreamContextReady())
            return false;
        _streamMade = 0;
        return ZstdLib.ZSTD_isError(ZstdLib.ZSTD_DCtx_reset(_streamContext, ZstdLib.ZSTD_reset_session_only)) == 0;
    }

    /// <summary>
    /// Goes on with the decode begun by <see cref="TryBeginStream"/> with <paramref name="piece"/>, the next stored bytes of
    /// the frame (the decoder keeps what it needs of a partial block, so the caller may reuse the memory), into
    /// <paramref name="destination"/>, the same memory every time, which must not move meanwhile (native or pinned: the
    /// library checks). Returns how many bytes are decoded once at least <paramref name="wanted"/> are; 0 when the piece
    /// is used up and more is needed; -1 as <see cref="TryDecompress"/>, or when the frame ends short or
    /// <paramref name="lastPiece"/> was not enough.
    /// </summary>
    public int ContinueStream(ReadOnlySpan<byte> piece, Span<byte> destination, int wanted, bool lastPiece)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wanted, destination.Length);
        fixed (byte* src = piece)
        fixed (byte* dst = destination)
        {
            var output = new ZstdLib.OutBuffer { Destination = dst, Size = (nuint)destination.Length, Position = (nuint)_streamMade };
            var input = new ZstdLib.InBuffer { Source = src };
            try
            {
                while ((int)output.Position < wanted)
                {
                    var (taken, made) = (input.Position, output.Position);
                    input.Size = (nuint)Math.Min(piece.Length, (int)input.Size + StreamInputStep);
                    nuint result = ZstdLib.ZSTD_decompressStream(_streamContext, &output, &input);
                    if (ZstdLib.ZSTD_isError(result) != 0)
                        return -1;
                    if (result == 0)
                        break; // the frame ended
                    if ((int)input.Size == piece.Length && input.Position == taken && output.Position == made)
                        return lastPiece ? -1 : 0; // the piece used up, no progress: damage, or more to read
                }
                return (int)output.Position >= wanted ? (int)output.Position : -1;
            }
            finally
            {
                _streamMade = (int)output.Position;
            }
        }
    }

    private bool StreamContextReady()
    {
        if (_streamContext != 0)
            return true;
        if (_streamUnsupported)
            return false;
        _streamContext = ZstdLib.ZSTD_createDCtx();
        if (_streamContext == 0)
            throw new OutOfMemoryException("ZSTD_createDCtx returned NULL");
        if (ZstdLib.ZSTD_isError(ZstdLib.ZSTD_DCtx_setParameter(_streamContext, ZstdLib.ZSTD_d_stableOutBuffer, 1)) != 0)
        {
            ZstdLib.ZSTD_freeDCtx(_streamContext);
            _streamContext = 0;
            _streamUnsupported = true;
            return false;
        }
        return true;
    }

    public void Dispose()
    {
        if (_context != 0)
            ZstdLib.ZSTD_freeDCtx(_context);
        if (_streamContext != 0)
            ZstdLib.ZSTD_freeDCtx(_streamContext);
        _context = _streamContext = 0;
    }
}

public static unsafe class Zstd
{
    /// <summary>The largest compressed size of <paramref name="length"/> input bytes.</summary>
    public static int CompressBound(int length) => (int)Call(() => ZstdLib.ZSTD_compressBound((nuint)length));

    /// <summary>The library's version as "major.minor.patch".</summary>
    public static string Version
    {
        get
        {
            uint v = Call(static () => ZstdLib.ZSTD_versionNumber());
            return $"{v / 10000}.{v / 100 % 100}.{v % 100}";
        }
    }

    /// <summary>The decompressed size a frame declares in its header, or -1 when it declares none or is not a zstd frame.</summary>
    public static long FrameContentSize(ReadOnlySpan<byte> frame)
    {
        ulong size;
        fixed (byte* src = frame)
        {
            byte* pointer = src;
            int length = frame.Length;
            size = Call(() => ZstdLib.ZSTD_getFrameContentSize(pointer, (nuint)length));
        }
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest values.
        return size >= ulong.MaxValue - 1 || size > long.MaxValue ? -1 : (long)size;
    }

    internal static string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)ZstdLib.ZSTD_getErrorName(code)) ?? "unknown error";

    /// <summary>Turns a missing library into an error that says what to install.</summary>
    internal static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException($"{ZstdLib.Library} (the zstd library) is not installed; on Debian: apt-get install libzstd1", e);
        }
    }
}
