using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kernel.Update.Rollback.Errors;

namespace Kernel.Update.Rollback.Durability;

/// <summary>Small JSON state files (the boot counter, the trigger gate, failure reports): replaced whole, atomically
/// and durably, so a power cut leaves the old state or the new one.</summary>
public static class JsonStateFile
{
    /// <summary>The state, or null when the file does not exist.</summary>
    /// <exception cref="RollbackException">CorruptedData naming the file when it is not the JSON it should be.</exception>
    public static T? Read<T>(string path, JsonTypeInfo<T> type) where T : class
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, type)
                ?? throw new RollbackException(RollbackErrorKind.CorruptedData, $"{path} holds null");
        }
        catch (JsonException e)
        {
            throw new RollbackException(RollbackErrorKind.CorruptedData, $"{path} is not valid: {e.Message}");
        }
    }

    public static void Write<T>(string path, T value, JsonTypeInfo<T> type) =>
        DurableFile.WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(value, type));
}
