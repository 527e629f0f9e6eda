using System.Text;
using Kernel.Update.Rollback.Buffers;

namespace Kernel.Update.Rollback.Binary;

/// <summary>LEB128 varints and length-prefixed byte strings into a growable buffer: compact on-disk records.
/// The buffer is native (a manifest body is tens to hundreds of KB and grew by doubling into fresh arrays, large
/// objects past 85 KB, in a process that encodes one manifest and exits): dispose the writer to free it.</summary>
public sealed class VarintWriter : IDisposable
{
    private readonly NativeBuffer<byte> _buffer;

    public VarintWriter(int initialCapacity = 4096) => _buffer = new NativeBuffer<byte>(initialCapacity);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteUInt(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    /// <summary>Zig-zag so that small negative numbers (times before 1970) stay short.</summary>
    public void WriteInt(long value) => WriteUInt((ulong)((value << 1) ^ (value >> 63)));

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteUInt((ulong)bytes.Length);
        WriteRaw(bytes);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    /// <summary>UTF-8, length first. Takes a span, so a suffix of a path is written without cutting a new string.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteUInt((ulong)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void Dispose() => _buffer.Dispose();
}
