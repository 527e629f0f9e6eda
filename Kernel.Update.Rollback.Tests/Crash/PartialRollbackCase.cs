using Kernel.Update.Rollback.Operations;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// The partial rollback the tree crash tests cut: the bed at v1 snapshotted, updated to v2, then rolled back to v1 for
/// drivers and config — which takes app (it depends on config) along and leaves kernel and data alone.
/// </summary>
internal sealed class PartialRollbackCase : IDisposable
{
    private static readonly string[] InScope = ["lib/modules", "etc", "opt/app"];
    private static readonly string[] OutOfScope = ["boot", "var/data"];
    private readonly Dictionary<string, TreeFingerprint> _target;
    private readonly Dictionary<string, TreeFingerprint> _before;
    private readonly string _targetId;

    public PartialRollbackCase()
    {
        DeviceVersions.WriteV1(Bed);
        _targetId = Bed.Snapshot("v1").Id;
        _target = Bed.Fingerprints(InScope);
        DeviceVersions.WriteV2(Bed);
        _before = Bed.Fingerprints([.. InScope, .. OutOfScope]);
    }

    public CrashBed Bed { get; } = new();

    public Task<RollbackOutcome> RollBackAsync() =>
        Bed.System.RollBackAsync(new RollbackRequest(_targetId, ["drivers", "config"], false, true, "crash-test"));

    /// <summary>After recover: in scope all at the target or all as before, the rest untouched, the store whole.</summary>
    public void Check() => RollbackInvariants.Check(Bed, InScope, _target, _before);

    public void Dispose() => Bed.Dispose();
}
