using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Fuzz;

/// <summary>Makes the checksums of a mutated input right again: AFL cannot find a SHA-256 or CRC by flipping bits,
/// and a crafted store passes its checksums, so what is behind them is what needs fuzzing.</summary>
internal static class Checksums
{
    /// <summary>Pack indexes and block fingerprint files end in the SHA-256 of everything before it.</summary>
    public static byte[] FixTrailingSha256(byte[] index)
    {
        if (index.Length < 32)
            return index;
        var copy = (byte[])index.Clone();
        SHA256.HashData(copy.AsSpan(0, copy.Length - 32), copy.AsSpan(copy.Length - 32));
        return copy;
    }

    public static byte[] FixCatalogTrailer(byte[] catalog)
    {
        int trailer = catalog.AsSpan().LastIndexOf("\n#sha256 "u8);
        var body = trailer < 0 ? catalog : catalog[..trailer];
        return [.. body, .. Encoding.ASCII.GetBytes("\n#sha256 " + Convert.ToHexStringLower(SHA256.HashData(body)) + "\n")];
    }

    /// <summary>Each journal line is "crc32c-hex json"; the crc of every line longer than its prefix is recomputed.</summary>
    public static byte[] FixJournalLines(byte[] journal)
    {
        var text = new StringBuilder();
        foreach (string line in Encoding.UTF8.GetString(journal).Split('\n'))
        {
            if (line.Length > 9)
            {
                byte[] json = Encoding.UTF8.GetBytes(line[9..]);
                text.Append(Crc32C.Compute(json).ToString("x8", CultureInfo.InvariantCulture)).Append(' ').Append(line[9..]);
            }
            else
                text.Append(line);
            text.Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString(0, Math.Max(0, text.Length - 1)));
    }
}
