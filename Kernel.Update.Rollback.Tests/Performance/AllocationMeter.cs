namespace Kernel.Update.Rollback.Tests.Performance;

/// <summary>
/// Counts the bytes a piece of work allocates. Allocation counts are deterministic where timings are not, so the
/// budgets of issue 8 are checked here and the speeds only in the benchmarks (tools/benchmarks).
/// </summary>
internal static class AllocationMeter
{
    /// <summary>The budget: at most 1 KB allocated per MB of data, in steady state.</summary>
    public const double BytesPerMegabyte = 1024;

    public const double Megabyte = 1 << 20;

    /// <summary>Bytes <paramref name="work"/> allocates on this thread in steady state: run once to warm up (the JIT,
    /// pools and lazily built tables allocate once per process), then the fewest bytes of three runs, so that the
    /// runtime's own occasional work on this thread (tiering, a first use elsewhere in the process) does not count.
    /// What the work itself allocates, it allocates in every run, so a regression still shows.</summary>
    public static long OnThisThread(Action work)
    {
        work();
        long fewest = long.MaxValue;
        for (int run = 0; run < 3 && fewest > 0; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    /// <summary>Bytes allocated by every thread of the process while <paramref name="work"/> runs (for work on worker
    /// threads; only meaningful where no other test runs at the same time, see <see cref="SerialAllocationCollection"/>).</summary>
    public static long InProcess(Action work)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        work();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    public static string Describe(long bytes, double megabytes) =>
        $"{bytes:N0} bytes for {megabytes:F0} MB = {bytes / megabytes:F0} bytes per MB (budget {BytesPerMegabyte:F0})";
}

/// <summary>Tests that count the whole process's allocations run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialAllocationCollection
{
    public const string Name = "allocation budgets, whole process";
}
