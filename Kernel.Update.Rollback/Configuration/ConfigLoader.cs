using System.Text.Json;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Configuration;

/// <summary>Reads and validates rollback.json (format in DESIGN.md).</summary>
public static class ConfigLoader
{
    public const string DefaultPath = "/etc/rollback/rollback.json";

    /// <exception cref="RollbackException">InvalidInput when the file cannot be read.</exception>
    /// <exception cref="ConfigException">Every problem in the file, at once.</exception>
    public static RollbackConfig Load(string path)
    {
        string full = Path.GetFullPath(path);
        string json;
        try
        {
            json = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RollbackException(RollbackErrorKind.InvalidInput,
                $"configuration file {full} does not exist; create it or pass --config FILE", e);
        }
        catch (UnauthorizedAccessException e) when (Directory.Exists(full))
        {
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"configuration file {full} is a directory; pass --config FILE", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RollbackException(RollbackErrorKind.InvalidInput, $"cannot read configuration file {full}: {e.Message}", e);
        }
        return Parse(json, full);
    }

    /// <summary>Parses and validates <paramref name="json"/> as if read from <paramref name="sourcePath"/>, whose directory anchors a relative root or store.</summary>
    /// <exception cref="ConfigException">Every problem in the text, at once.</exception>
    public static RollbackConfig Parse(string json, string sourcePath)
    {
        sourcePath = Path.GetFullPath(sourcePath);
        if (string.IsNullOrWhiteSpace(json))
            throw new ConfigException(sourcePath, ["the file is empty; expected an object with \"root\", \"store\" and \"components\""]);
        ConfigDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, ConfigJsonContext.Default.ConfigDocument);
        }
        catch (JsonException e)
        {
            throw new ConfigException(sourcePath, [JsonProblems.Describe(e)]);
        }
        return ConfigValidator.Validate(doc, sourcePath);
    }
}
