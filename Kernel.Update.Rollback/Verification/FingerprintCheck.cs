using System.Collections.Concurrent;
using Kernel.Update.Rollback.Capture;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Verification;

/// <summary>
/// Verify's part for block images' chunk fingerprints: each file must be intact, belong to its manifest and have one
/// fingerprint per chunk; and where chunks are decoded (a whole verify), each fingerprint must be that of the chunk's
/// content, so a fingerprint can never vouch for content other than the chunk its manifest names.
/// </summary>
internal sealed class FingerprintCheck
{
    // Per chunk, the fingerprints the store's files claim for it (seed, value) and the first file that claims each.
    private readonly Dictionary<Hash256, List<(ulong Seed, UInt128 Value, string File, string Point, string Component)>> _claims = [];
    private readonly ConcurrentQueue<VerifyProblem> _mismatches = new();

    public static FingerprintCheck Load(RecoveryStore store, IEnumerable<(RecoveryPointRecord Point, ComponentSnapshotRecord Component, Manifest Manifest)> manifests, VerifyReport report)
    {
        var check = new FingerprintCheck();
        foreach (var (point, component, manifest) in manifests)
        {
            if (component.Block is null || !Hash256.TryParse(component.Manifest, out var hash))
                continue;
            string file = store.Layout.FingerprintPath(hash);
            ChunkFingerprints? fingerprints;
            try
            {
                fingerprints = store.LoadFingerprints(component);
            }
            catch (RollbackException e) when (e.Kind == RollbackErrorKind.CorruptedData)
            {
                report.Problems.Add(new VerifyProblem(point.Id, component.Name, BlockCapture.ImageName, file, e.Message));
                continue;
            }
            if (fingerprints is null || manifest.Find(BlockCapture.ImageName) is not { } image)
                continue;
            if (image.Chunks.Length != fingerprints.Count)
            {
                report.Problems.Add(new VerifyProblem(point.Id, component.Name, BlockCapture.ImageName, file,
                    $"component {component.Name}: chunk fingerprints {file} hold {fingerprints.Count} where its image has {image.Chunks.Length} chunks"));
                continue;
            }
            for (int i = 0; i < image.Chunks.Length; i++)
                check.Claim(image.Chunks[i].Hash, fingerprints.Seed, fingerprints.Values[i], file, point.Id, component.Name);
        }
        return check;
    }

    private void Claim(in Hash256 chunk, ulong seed, UInt128 value, string file, string point, string component)
    {
        if (!_claims.TryGetValue(chunk, out var list))
            _claims[chunk] = list = [];
        foreach (var claim in list)
            if (claim.Seed == seed && claim.Value == value)
                return;
        list.Add((seed, value, file, point, component));
    }

    /// <summary>Checks the claims on a chunk just decoded and proven. Thread-safe (the claims are only read).</summary>
    public void Check(in Hash256 chunk, ReadOnlySpan<byte> plain)
    {
        if (!_claims.TryGetValue(chunk, out var list))
            return;
        foreach (var (seed, value, file, point, component) in list)
            if (ChunkFingerprints.Of(plain, seed) != value)
                _mismatches.Enqueue(new VerifyProblem(point, component, BlockCapture.ImageName, file,
                    $"component {component}: chunk fingerprints {file} do not match chunk {chunk.ToShortString()}"));
    }

    /// <summary>Adds the mismatches found by <see cref="Check"/>, one per fingerprint file.</summary>
    public void Report(VerifyReport report)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var problem in _mismatches)
            if (seen.Add(problem.StoreFile))
                report.Problems.Add(problem);
    }
}
