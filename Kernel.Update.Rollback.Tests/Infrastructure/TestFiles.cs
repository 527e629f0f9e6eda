namespace Kernel.Update.Rollback.Tests.Infrastructure;

/// <summary>Seeded content and file writes the tests share.</summary>
internal static class TestFiles
{
    /// <summary><paramref name="length"/> bytes from <paramref name="random"/>.</summary>
    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary><paramref name="length"/> bytes of the sequence seeded with <paramref name="seed"/>.</summary>
    public static byte[] RandomBytes(int seed, int length) => RandomBytes(new Random(seed), length);

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/>, creating its parent directories.</summary>
    public static void Write(string path, byte[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
    }
}
