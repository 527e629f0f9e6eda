using System.Buffers.Binary;
using System.Numerics;

namespace Kernel.Update.Rollback.Operations;

/// <summary>CRC-32C (Castagnoli), the checksum ext4 and btrfs use for metadata; one instruction per 8 bytes on x64 (SSE4.2) and arm64.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (byte b in data)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
