namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// Runs one parser over seeded mutations of its corpus and collects every exception that is not one of the parser's
/// typed errors, with the input that raised it (hex, cut short), so a failure can be replayed. A run that does not
/// end within <see cref="HangLimit"/> is reported as a hang at the input it was on: parsers must cap what they read.
/// </summary>
internal static class FuzzRun
{
    /// <summary>Generous: the whole run takes well under a second or two; only a parser stuck in a loop reaches it.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    /// <summary>The most one execution may allocate on the managed heap; inputs are at most 1 MiB, so anything past
    /// this is a parser allocating by a count or length it read without checking it against what is there.</summary>
    public const long AllocationLimit = 64L << 20;

    public sealed record Escape(Type Type, string Message, string Input);

    /// <summary>Feeds <paramref name="executions"/> mutated inputs to <paramref name="parse"/>; returns the escapes.</summary>
    /// <param name="typed">true for an exception the parser may throw (its typed error).</param>
    /// <param name="json">mutate as JSON (values replaced by hostile ones) half of the time.</param>
    /// <param name="mutate">a format-aware mutation used for half the inputs (e.g. JSON inside a checksummed line).</param>
    /// <param name="prepare">turns a mutated input into what the parser reads (e.g. fixes up a checksum so the
    /// structure behind it gets tested); identity when null.</param>
    public static IReadOnlyList<Escape> Run(int seed, int executions, IReadOnlyList<byte[]> corpus, Action<byte[]> parse, Func<Exception, bool> typed,
        bool json = false, Func<byte[], byte[]>? prepare = null, Func<Mutator, byte[], byte[], byte[]>? mutate = null)
    {
        var escapes = new List<Escape>();
        byte[] current = [];
        int done = 0;
        var run = Task.Run(() =>
        {
            var mutator = new Mutator(seed);
            for (int i = 0; i < executions; i++)
            {
                var sample = corpus[mutator.Random.Next(corpus.Count)];
                var other = corpus[mutator.Random.Next(corpus.Count)];
                byte[] input = mutate is not null && mutator.Random.Next(2) == 0 ? mutate(mutator, sample, other)
                    : json && mutator.Random.Next(2) == 0 ? mutator.MutateJson(sample, other) : mutator.Mutate(sample, other);
                if (prepare is not null)
                    input = prepare(input);
                Volatile.Write(ref current, input);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    parse(input);
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (allocated > AllocationLimit)
                        throw new InsufficientMemoryException($"one execution allocated {allocated} bytes for {input.Length} bytes of input");
                }
                catch (Exception e) when (!typed(e) || GC.GetAllocatedBytesForCurrentThread() - before > AllocationLimit)
                {
                    if (escapes.Count < 5 && !escapes.Exists(x => x.Type == e.GetType()))
                        escapes.Add(new Escape(e.GetType(), e.ToString(), Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 512)))));
                }
                catch (Exception)
                {
                    // A typed error: what a parser should do with bad input.
                }
                Interlocked.Increment(ref done);
            }
        });
        if (!run.Wait(HangLimit))
            throw new Xunit.Sdk.XunitException(
                $"the parser has not returned after {HangLimit.TotalSeconds:0} s, at execution {Volatile.Read(ref done)}; input: {Convert.ToHexString(Volatile.Read(ref current).AsSpan(0, Math.Min(current.Length, 512)))}");
        return escapes;
    }

    public static string Describe(IReadOnlyList<Escape> escapes) =>
        string.Join("\n\n", escapes.Select(e => $"{e.Type.Name} escaped for input {e.Input}:\n{e.Message}"));
}
