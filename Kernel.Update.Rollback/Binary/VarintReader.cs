using System.Text;

namespace Kernel.Update.Rollback.Binary;

/// <summary>Reads what <see cref="VarintWriter"/> wrote, bounds-checked: malformed input throws
/// <see cref="FormatException"/>, which callers turn into a corruption error naming the file.</summary>
public ref struct VarintReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public VarintReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public readonly int Position => _position;

    /// <summary>Bytes not read yet: what a count read from the data can be checked against before anything is allocated by it.</summary>
    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte()
    {
        if (_position >= _data.Length)
            throw new FormatException("unexpected end of data");
        return _data[_position++];
    }

    public ulong ReadUInt()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
        throw new FormatException("varint longer than 64 bits");
    }

    public uint ReadUInt32()
    {
        ulong value = ReadUInt();
        return value <= uint.MaxValue ? (uint)value : throw new FormatException($"value {value} exceeds 32 bits");
    }

    public int ReadLength(int max)
    {
        ulong value = ReadUInt();
        return value <= (ulong)max ? (int)value : throw new FormatException($"length {value} exceeds {max}");
    }

    public long ReadInt()
    {
        ulong raw = ReadUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public long ReadNonNegative()
    {
        ulong value = ReadUInt();
        return value <= long.MaxValue ? (long)value : throw new FormatException($"value {value} is out of range");
    }

    public ReadOnlySpan<byte> ReadRaw(int length)
    {
        if (length < 0 || length > _data.Length - _position)
            throw new FormatException("unexpected end of data");
        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    public ReadOnlySpan<byte> ReadBytes(int max) => ReadRaw(ReadLength(max));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string ReadString(int max)
    {
        try
        {
            return StrictUtf8.GetString(ReadBytes(max));
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("invalid UTF-8 in a name");
        }
    }

    /// <summary>Reads a string of at most <paramref name="max"/> UTF-8 bytes into <paramref name="destination"/> (at least
    /// <paramref name="max"/> chars: UTF-8 never has more chars than bytes) and returns how many chars it took, so a
    /// caller can look the name up or join it to another without a string of its own.</summary>
    public int ReadChars(int max, Span<char> destination)
    {
        try
        {
            return StrictUtf8.GetChars(ReadBytes(max), destination);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("invalid UTF-8 in a name");
        }
    }

    /// <summary>Reads a string that many entries repeat (an extended attribute's name) through <paramref name="pool"/>,
    /// so each distinct name is one string however often it appears.</summary>
    public string ReadPooledString(int max, CommunityToolkit.HighPerformance.Buffers.StringPool pool)
    {
        try
        {
            return pool.GetOrAdd(ReadBytes(max), StrictUtf8);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("invalid UTF-8 in a name");
        }
    }
}
