using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Store.Catalog;

/// <summary>
/// Reads and commits the catalog: JSON for people, followed by a line <c>#sha256 HEX</c> over the JSON
/// bytes, so one flipped byte anywhere in it is caught before the store is trusted.
/// </summary>
public static class CatalogFile
{
    private static ReadOnlySpan<byte> TrailerPrefix => "\n#sha256 "u8;

    public static CatalogDocument Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // No snapshot has been taken yet: an empty store, not an error.
            return new CatalogDocument();
        }
        return Parse(bytes, path);
    }

    public static CatalogDocument Parse(ReadOnlySpan<byte> bytes, string path)
    {
        int trailer = bytes.LastIndexOf(TrailerPrefix);
        if (trailer < 0)
            throw Corrupt(path, "its checksum line is missing");
        ReadOnlySpan<byte> body = bytes[..trailer];
        ReadOnlySpan<byte> hex = bytes[(trailer + TrailerPrefix.Length)..].TrimEnd("\n"u8);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(body, digest);
        Span<byte> expected = stackalloc byte[32];
        if (hex.Length != 64 || Convert.FromHexString(Encoding.ASCII.GetString(hex), expected, out _, out _) != System.Buffers.OperationStatus.Done
            || !digest.SequenceEqual(expected))
            throw Corrupt(path, "its checksum does not match its contents");
        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(body, CatalogJsonContext.Default.CatalogDocument);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, e.Message);
        }
        if (document is null || document.Format != 1)
            throw Corrupt(path, "unknown format");
        CatalogValidator.Check(document, path);
        return document;
    }

    public static byte[] Serialize(CatalogDocument document)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(document, CatalogJsonContext.Default.CatalogDocument);
        string trailer = "\n#sha256 " + Convert.ToHexStringLower(SHA256.HashData(body)) + "\n";
        byte[] file = new byte[body.Length + trailer.Length];
        body.CopyTo(file, 0);
        Encoding.ASCII.GetBytes(trailer, file.AsSpan(body.Length));
        return file;
    }

    /// <summary>The commit point of every store change: write aside, fsync, rename over, fsync the directory.</summary>
    public static void Commit(string path, CatalogDocument document) => DurableFile.WriteAtomic(path, Serialize(document));

    private static RollbackException Corrupt(string path, string why) =>
        new(RollbackErrorKind.CorruptedData, $"catalog {path} is damaged: {why}");
}
