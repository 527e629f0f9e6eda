using System.Globalization;
using System.Text.Json;

namespace Kernel.Update.Rollback.Operations;

/// <summary>
/// The line format of an operation journal: <c>CRC SP JSON LF</c>, where CRC is the CRC-32C of the JSON bytes
/// in 8 lowercase hex digits. An append torn by a crash fails the check (or lacks its LF), so it is told
/// apart from a complete line without trusting the file system to have written whole blocks.
/// </summary>
internal static class JournalLine
{
    private const int ChecksumDigits = 8;
    private const int JsonStart = ChecksumDigits + 1;

    public static byte[] Encode(JournalRecord record)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, JournalJsonContext.Default.JournalRecord);
        byte[] line = new byte[JsonStart + json.Length + 1];
        Crc32C.Compute(json).TryFormat(line, out _, "x8", CultureInfo.InvariantCulture);
        line[ChecksumDigits] = (byte)' ';
        json.CopyTo(line.AsSpan(JsonStart));
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>
    /// True when <paramref name="line"/> begins with a whole record followed by more than zeros: a torn append is cut
    /// short (or its tail never reached the disk and reads as zeros), never a whole record followed by data, so such a
    /// line is damage to an earlier line's LF that merged it with the next (dropping it as torn would silently lose two
    /// durable records).
    /// </summary>
    public static bool StartsWithWholeRecord(ReadOnlySpan<byte> line)
    {
        if (line.Length <= JsonStart || line[..ChecksumDigits].ContainsAnyExcept("0123456789abcdef"u8)
            || !uint.TryParse(line[..ChecksumDigits], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint expected))
            return false;
        // Only on the rare path of a last line that failed its check; lines are short, so quadratic is fine.
        for (int end = JsonStart + 2; end < line.Length; end++)
            if (line[end - 1] == (byte)'}' && Crc32C.Compute(line[JsonStart..end]) == expected && line[end..].ContainsAnyExcept((byte)0))
                return true;
        return false;
    }

    /// <summary>
    /// Decodes one line (without its LF); null with the reason when it is not a record. <paramref name="intact"/>
    /// says whether the bytes passed their checksum: a line that did not may be a torn append, one that did is
    /// a record this version cannot read, never a torn write.
    /// </summary>
    public static JournalRecord? TryDecode(ReadOnlySpan<byte> line, out bool intact, out string? problem)
    {
        intact = false;
        // Lowercase only, as written: a flipped case bit must not read as the same checksum.
        if (line.Length <= JsonStart || line[ChecksumDigits] != (byte)' ' || line[..ChecksumDigits].ContainsAnyExcept("0123456789abcdef"u8)
            || !uint.TryParse(line[..ChecksumDigits], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint expected))
        {
            problem = "it does not start with a checksum";
            return null;
        }
        ReadOnlySpan<byte> json = line[JsonStart..];
        if (Crc32C.Compute(json) != expected)
        {
            problem = "its checksum does not match its contents";
            return null;
        }
        intact = true;
        try
        {
            var record = JsonSerializer.Deserialize(json, JournalJsonContext.Default.JournalRecord);
            problem = record is null ? "it holds no record" : null;
            return record;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            problem = "it is not a journal record: " + e.Message;
            return null;
        }
    }
}
