namespace Kernel.Update.Rollback.Verification;

/// <summary>One piece of damage, with what it affects: the recovery point, component and file where known,
/// and the store file where the damage is.</summary>
public sealed record VerifyProblem(string? PointId, string? Component, string? File, string StoreFile, string Message);

public sealed class VerifyReport
{
    public List<VerifyProblem> Problems { get; } = [];
    public int PointsChecked { get; set; }
    public int ManifestsChecked { get; set; }
    public long ChunksChecked { get; set; }
    public long BytesChecked { get; set; }
    public bool Clean => Problems.Count == 0;
}
