using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Kernel.Update.Rollback.Store;

/// <summary>
/// A SHA-256 digest held as four words, so it is a cheap dictionary key and compares without
/// allocating. A chunk's hash is its identity and its integrity check at once.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash256 : IEquatable<Hash256>, IComparable<Hash256>
{
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d;

    private Hash256(ulong a, ulong b, ulong c, ulong d) => (_a, _b, _c, _d) = (a, b, c, d);

    public static Hash256 Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));

    public static Hash256 Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return Read(digest);
    }

    /// <summary>
    /// Starts loading the crypto library (libcrypto, through the runtime's OpenSSL shim) on a pool thread. Its first hash
    /// loads, relocates and initialises OpenSSL, 3-4 ms and 4 MiB that a rollback otherwise pays on its one critical path
    /// (the catalog's checksum is its first hash), while the second core sits idle during start-up. Once per process.
    /// </summary>
    public static void WarmUp()
    {
        if (Interlocked.Exchange(ref _warmedUp, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Compute([]), null);
    }

    private static int _warmedUp;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public static bool TryParse(string? hex, out Hash256 hash)
    {
        hash = default;
        // Null as well: names come from JSON a store holds, which may say null anywhere.
        if (hex is null || hex.Length != Size * 2)
            return false;
        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Size)
            return false;
        hash = Read(bytes);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The first 12 hex digits, enough to name a chunk in a message.</summary>
    public string ToShortString() => ToString()[..12];

    public bool Equals(Hash256 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is Hash256 other && Equals(other);

    // SHA-256 output is uniformly distributed: any 32 bits are a good hash code.
    public override int GetHashCode() => (int)_a;

    public int CompareTo(Hash256 other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    public static bool operator ==(Hash256 left, Hash256 right) => left.Equals(right);
    public static bool operator !=(Hash256 left, Hash256 right) => !left.Equals(right);
}
