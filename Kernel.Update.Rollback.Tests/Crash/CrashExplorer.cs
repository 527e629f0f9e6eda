using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Tests.Infrastructure;
using Xunit.Sdk;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// Runs one operation again and again on the same tree, cutting the power after each of its durable steps in turn,
/// under several damage seeds per cut (<see cref="CrashDamages.OfSeed"/>); after each cut it writes what the disk
/// could hold (<see cref="CrashStateWriter"/>), runs the recovery, and checks the invariants. The tree under
/// <paramref name="root"/> is set back from a copy taken when the explorer is made, so arrange everything first.
/// </summary>
internal sealed class CrashExplorer : IDisposable
{
    private readonly string _root;
    private readonly string _template;

    public CrashExplorer(string root)
    {
        _root = root;
        _template = root + ".template";
        Copy(_root, _template);
    }

    /// <summary>Crash states explored and checked so far.</summary>
    public int States { get; private set; }

    /// <summary>Durable steps of the last uncut run.</summary>
    public int Steps { get; private set; }

    /// <param name="operation">what the power is cut in.</param>
    /// <param name="recover">what runs after the cut, as after a reboot.</param>
    /// <param name="check">the invariants, after the recovery (throws when one does not hold).</param>
    /// <param name="stride">explore every stride-th cut (1: every one).</param>
    public async Task ExploreAsync(Func<Task> operation, Func<Task> recover, Action check, int seeds, int stride = 1)
    {
        Reset();
        var counter = new PowerCutObserver(_root);
        using (DiskSteps.Observe(counter))
            await operation();
        check();
        Steps = counter.Steps;
        Assert.True(Steps > 0, "the operation took no durable step: nothing goes through the seam");

        for (int cut = 0; cut < Steps; cut += stride)
        {
            for (int seed = 0; seed < seeds; seed++)
            {
                Reset();
                var observer = new PowerCutObserver(_root, cut);
                try
                {
                    using (DiskSteps.Observe(observer))
                        await operation();
                }
                catch (Exception) when (observer.Cut)
                {
                }
                if (!observer.Cut)
                    continue; // this run took fewer steps (workers interleave differently): no cut to explore
                var damage = CrashDamages.OfSeed(seed);
                try
                {
                    WaitForLocksToDrop(_root);
                    CrashStateWriter.Write(_root, observer.Durable, damage, seed * 7919 + cut);
                    await recover();
                    check();
                }
                catch (Exception e)
                {
                    throw new XunitException($"power cut after durable step {cut} of {Steps}, {damage} (seed {seed}): {e}\nthe last steps before the cut:\n{observer.RecentSteps}");
                }
                States++;
            }
        }
    }

    /// <summary>
    /// A real power cut ends the process and every lock with it; here the engine ran in the test process, and a child
    /// that another test forked in the meantime keeps a copy of the lock's descriptor until its exec closes it (the
    /// descriptor is O_CLOEXEC, but between fork and exec it is still open). Wait that moment out before recovering,
    /// reading /proc/locks: taking the lock to test it would open a descriptor the next fork could copy in turn.
    /// </summary>
    public static void WaitForLocksToDrop(string root)
    {
        string lockFile = Path.Combine(root, "store", "lock");
        if (!Posix.TryLStat(lockFile, out var status))
            return;
        string inode = $":{status.Inode} "; // "1: FLOCK  ADVISORY  WRITE pid maj:min:inode start end"
        for (int attempt = 0; ; attempt++)
        {
            string locks = File.ReadAllText("/proc/locks");
            if (!locks.Contains(inode, StringComparison.Ordinal))
                return;
            Assert.True(attempt < 500, $"{lockFile} is still locked 5 s after the power cut: the operation leaked its lock");
            Thread.Sleep(10);
        }
    }

    /// <summary>Sets the tree back to how it was when the explorer was made.</summary>
    public void Reset()
    {
        if (Directory.Exists(_root))
            ProcessRunner.Run("rm", "-rf", "--one-file-system", _root).EnsureSuccess();
        Copy(_template, _root);
    }

    private static void Copy(string from, string to) => ProcessRunner.Run("cp", "-a", from, to).EnsureSuccess();

    public void Dispose()
    {
        if (Directory.Exists(_template))
            ProcessRunner.Run("rm", "-rf", "--one-file-system", _template);
    }
}
