namespace Kernel.Update.Rollback.Benchmarks;

public enum InputKind
{
    /// <summary>Uniform bytes, like compressed or encrypted files.</summary>
    Random,

    /// <summary>Words and line breaks, like configuration files and logs.</summary>
    Text,
}

/// <summary>Deterministic inputs (splitmix64), the same on every machine and runtime.</summary>
internal static class BenchmarkData
{
    public static byte[] Create(InputKind kind, int length, ulong seed = 1) => kind switch
    {
        InputKind.Random => Random(length, seed),
        InputKind.Text => Text(length, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public static byte[] Random(int length, ulong seed)
    {
        var data = new byte[length];
        ulong state = seed;
        for (int i = 0; i + 8 <= length; i += 8)
            BitConverter.TryWriteBytes(data.AsSpan(i), SplitMix64(ref state));
        for (int i = length & ~7; i < length; i++)
            data[i] = (byte)SplitMix64(ref state);
        return data;
    }

    public static byte[] Text(int length, ulong seed)
    {
        string[] words = ["the", "kernel", "update", "rollback", "of", "a", "snapshot", "to", "chunk", "store", "and", "file",
            "is", "recovery", "point", "in", "data", "for", "with", "mount", "boot", "config", "0x1f", "=", "{", "}", "#", "enable",
            "systemd", "service", "ExecStart=/usr/bin/", "After=network.target", "127.0.0.1", "true", "false", "yes", "no"];
        var data = new byte[length];
        ulong state = seed;
        int i = 0;
        while (i < length)
        {
            ulong r = SplitMix64(ref state);
            string word = words[(int)(r % (ulong)words.Length)];
            for (int j = 0; j < word.Length && i < length; j++)
                data[i++] = (byte)word[j];
            if (i < length)
                data[i++] = (byte)((r >> 32) % 9 == 0 ? '\n' : ' ');
        }
        return data;
    }
}
