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
    /// Decodes one line (without its LF); null with the reason when it is not a record. <paramref name="intact"/>
    /// says whether the bytes passed their checksum: a line that did not may be a torn append, one that did is
    /// a record this version cannot read, never a torn write.
    /// </summary>
    public static JournalRecord? TryDecode(ReadOnlySpan<byte> line, out bool intact, out string? problem)
    {
        intact = false;
        if (line.Length <= JsonStart || line[ChecksumDigits] != (byte)' '
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
