using System.Diagnostics;
using System.Globalization;
using Kernel.Update.Rollback.Store;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>
/// <c>hash-vs-openssl [--seconds N] [--rounds N]</c>: the store's SHA-256 (<see cref="Hash256.Compute"/> of 64 KiB
/// chunks, one thread) against <c>openssl speed -evp sha256 -bytes 65536</c>, taken in turns for N seconds each, so
/// that a change of load on a shared machine hits both alike. Prints each round and the ratio of the bests.
/// </summary>
/// <remarks>
/// openssl speed divides by the CPU time it was given (user time), not by the wall clock: on a loaded machine its
/// figure is a core's speed while a wall-clock figure is a share of one. So both are compared per CPU second
/// (ours from this process's CPU time, one busy thread), and both per wall second (openssl's <c>-elapsed</c>).
/// </remarks>
internal static class HashVsOpenssl
{
    private const int ChunkLength = 64 << 10;

    public static int Run(string[] args)
    {
        int seconds = 3, rounds = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--seconds")
                seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--rounds")
                rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        }
        byte[] data = BenchmarkData.Random(64 << 20, seed: 5);
        Ours(data, 1); // warm-up: the JIT's last tier
        double bestCpu = 0, bestOpensslCpu = 0, bestWall = 0, bestOpensslWall = 0;
        for (int round = 1; round <= rounds; round++)
        {
            double opensslCpu = Openssl(seconds, elapsed: false);
            var (cpu, wall) = Ours(data, seconds);
            double opensslWall = Openssl(seconds, elapsed: true);
            (bestCpu, bestOpensslCpu) = (Math.Max(bestCpu, cpu), Math.Max(bestOpensslCpu, opensslCpu));
            (bestWall, bestOpensslWall) = (Math.Max(bestWall, wall), Math.Max(bestOpensslWall, opensslWall));
            Console.WriteLine($"round {round}: per CPU second openssl {opensslCpu:F2} GB/s, Hash256.Compute {cpu:F2} GB/s ({cpu / opensslCpu:F2}); "
                + $"per wall second openssl -elapsed {opensslWall:F2}, Hash256.Compute {wall:F2} ({wall / opensslWall:F2})");
        }
        Console.WriteLine($"best per CPU second: openssl {bestOpensslCpu:F2} GB/s, Hash256.Compute {bestCpu:F2} GB/s, ratio {bestCpu / bestOpensslCpu:F2}");
        Console.WriteLine($"best per wall second: openssl {bestOpensslWall:F2} GB/s, Hash256.Compute {bestWall:F2} GB/s, ratio {bestWall / bestOpensslWall:F2}");
        return 0;
    }

    /// <summary>GB per CPU second of this process and per wall second.</summary>
    private static (double Cpu, double Wall) Ours(byte[] data, int seconds)
    {
        long bytes = 0;
        ulong mix = 0;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            for (int offset = 0; offset < data.Length; offset += ChunkLength)
                mix += (ulong)Hash256.Compute(data.AsSpan(offset, ChunkLength)).GetHashCode();
            bytes += data.Length;
        }
        double wall = stopwatch.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        GC.KeepAlive(mix);
        return (bytes / cpu / 1e9, bytes / wall / 1e9);
    }

    /// <summary>openssl's figure for 64 KiB blocks: its last line ends in thousands of bytes per second.</summary>
    private static double Openssl(int seconds, bool elapsed)
    {
        string[] arguments = ["speed", .. elapsed ? (string[])["-elapsed"] : [], "-evp", "sha256", "-bytes", "65536", "-seconds", seconds.ToString(CultureInfo.InvariantCulture)];
        var start = new ProcessStartInfo("openssl", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl could not be started");
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        string last = output.TrimEnd().Split('\n')[^1];
        string kilobytes = last.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd('k');
        return double.Parse(kilobytes, CultureInfo.InvariantCulture) * 1000 / 1e9;
    }
}
