using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Kernel.Update.Rollback.Native;

/// <summary>
/// A null-terminated UTF-8 copy of a string for a native call, in caller-provided stack memory when it fits,
/// else in a pooled array. Modelled on ValueUtf8Converter in dotnet/runtime.
/// </summary>
/// <example><code>
/// using var p = new Utf8String(stackalloc byte[Utf8String.StackSize]);
/// fixed (byte* s = p.Encode(path)) { ... }
/// </code></example>
internal ref struct Utf8String
{
    // Covers almost every path without touching the pool; small enough to nest a few per frame.
    internal const int StackSize = 256;

    private byte[]? _rented;
    private Span<byte> _buffer;

    public Utf8String(Span<byte> initialBuffer)
    {
        _buffer = initialBuffer;
        _rented = null;
    }

    /// <summary>Encodes <paramref name="value"/> and returns it including the terminating NUL.</summary>
    public Span<byte> Encode(string value, [CallerArgumentExpression(nameof(value))] string paramName = "")
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Contains('\0'))
            ThrowHelper.ThrowNulInString(paramName);

        int max = Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
        if (max > _buffer.Length)
        {
            int exact = Encoding.UTF8.GetByteCount(value) + 1;
            if (exact > _buffer.Length)
            {
                if (_rented is not null)
                    ArrayPool<byte>.Shared.Return(_rented);
                _rented = ArrayPool<byte>.Shared.Rent(exact);
                _buffer = _rented;
            }
        }

        int written = Encoding.UTF8.GetBytes(value, _buffer);
        _buffer[written] = 0;
        return _buffer[..(written + 1)];
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
