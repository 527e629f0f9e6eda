using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>A restore creates each temporary name exclusively and renames over each name without looking first: what it
/// finds in the way (a leftover of an interrupted run under a temporary name, a directory where a file goes) fails the
/// call, is removed, and the call is made again. Put in the way here at the moment of the call, by the step observer.</summary>
public sealed class NamesInTheWayTests
{
    /// <summary>Before the first <paramref name="times"/> steps of <paramref name="kind"/> on a restore's temporary name,
    /// puts a directory holding a file at the name the step is about to create or replace (once a name: the step made
    /// again after the removal goes through).</summary>
    private sealed class InTheWay(DiskStepKind kind, int times) : IDiskStepObserver
    {
        private readonly HashSet<string> _names = [];

        public int Placed
        {
            get
            {
                lock (_names)
                    return _names.Count;
            }
        }

        public void Before(in DiskStep step)
        {
            if (step.Kind != kind || step.Name is not { } name || !name.StartsWith(".kur-restore-", StringComparison.Ordinal))
                return;
            var (directory, target) = kind == DiskStepKind.Rename ? (step.ToDirectory!, step.ToName!) : (step.Directory!, name);
            lock (_names)
                if (_names.Count >= times || !_names.Add(name))
                    return;
            string path = $"/proc/self/fd/{directory.DangerousGetHandle()}/{target}";
            if (File.Exists(path))
                File.Delete(path);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "left-over"), "in the way");
        }

        public void After(in DiskStep step)
        {
        }
    }

    [Theory]
    [InlineData("CreateFile")]    // a leftover under the temporary name: EEXIST
    [InlineData("CreateSymlink")]
    [InlineData("Rename")]        // a directory where the file goes: EISDIR
    public async Task WhatIsInTheWayIsRemovedAndTheRestoreEndsAtTheTarget(string step)
    {
        var kind = Enum.Parse<DiskStepKind>(step); // internal to the engine: named here, parsed there
        using var rollback = new PartialRollbackCase();
        var inTheWay = new InTheWay(kind, times: 3);
        RollbackOutcome outcome;
        using (DiskSteps.Observe(inTheWay))
            outcome = await rollback.RollBackAsync();
        Assert.True(inTheWay.Placed > 0, $"no {kind} step on a temporary name happened");
        Assert.Equal(RollbackPhase.Completed, outcome.Phase);
        rollback.Check();
    }
}
