namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>What must hold after a rollback was cut and recovered.</summary>
internal static class RollbackInvariants
{
    /// <param name="inScope">the live paths of the components in scope.</param>
    /// <param name="target">their fingerprints at the recovery point.</param>
    /// <param name="before">every component's fingerprint before the rollback began.</param>
    public static void Check(CrashBed bed, IReadOnlyList<string> inScope, Dictionary<string, TreeFingerprint> target,
        Dictionary<string, TreeFingerprint> before)
    {
        bed.AssertNothingInterrupted();
        bed.AssertStoreVerifies();
        var now = bed.Fingerprints(before.Keys);
        bool allTarget = inScope.All(c => now[c].SameAs(target[c]));
        bool allBefore = inScope.All(c => now[c].SameAs(before[c]));
        if (!allTarget && !allBefore)
        {
            var detail = inScope.Select(c => $"{c}: vs target [{string.Join("; ", now[c].Differences(target[c], 3))}] vs before [{string.Join("; ", now[c].Differences(before[c], 3))}]");
            Assert.Fail("the components in scope are neither all at the target nor all as before: " + string.Join(" | ", detail));
        }
        foreach (var (path, fingerprint) in before)
        {
            if (inScope.Contains(path))
                continue;
            var differences = now[path].Differences(fingerprint);
            Assert.True(differences.Count == 0, $"{path} is out of scope but changed: {string.Join("; ", differences)}");
        }
    }
}
