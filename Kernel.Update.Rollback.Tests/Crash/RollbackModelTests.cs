using CsCheck;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Operations;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Crash;

/// <summary>
/// Model-based tests of the engine (CsCheck): random sequences of live changes, snapshots, rollbacks of random scopes
/// (partial, exact) and rollbacks cut by a power failure at a random step under a random damage, run against the real
/// engine on a real tree and against <see cref="DeviceModel"/>; after every step each component must hold what the
/// model says. On a failure CsCheck shrinks the sequence to a short one and prints it with its seed.
/// </summary>
public sealed class RollbackModelTests(ITestOutputHelper output)
{
    private enum Kind { Change, Snapshot, Rollback, CutRollback }

    private readonly record struct Step(Kind Kind, int A, int B, int C)
    {
        public override string ToString() => $"{Kind}({A},{B},{C})";
    }

    private static readonly Gen<Step[]> Sequences =
        Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 999], Gen.Int[0, 999], Gen.Int[0, 999], (k, a, b, c) => new Step(k, a, b, c)).Array[3, 10];

    [Fact]
    public async Task RandomChangesSnapshotsRollbacksAndPowerCutsKeepTheDeviceEqualToTheModel()
    {
        int sequences = 0, steps = 0, cuts = 0;
        await Task.Run(() => Sequences.Sample(sequence =>
        {
            Run(sequence, ref cuts);
            sequences++;
            steps += sequence.Length;
        }, iter: 40, threads: 1, print: s => string.Join(" ", s)));
        output.WriteLine($"{sequences} random sequences, {steps} steps, {cuts} of them cut by a power failure: the device always matched the model");
    }

    private static void Run(Step[] sequence, ref int cuts)
    {
        using var bed = new CrashBed();
        DeviceVersions.WriteV1(bed);
        var model = DeviceModel.Read(bed);
        var points = new List<(string Id, DeviceModel Held)>();
        foreach (var step in sequence)
        {
            var kind = step.Kind is Kind.Rollback or Kind.CutRollback && points.Count == 0 ? Kind.Snapshot : step.Kind;
            switch (kind)
            {
                case Kind.Change:
                    Change(bed, model, DeviceModel.Components[step.A % DeviceModel.Components.Length], step.B);
                    break;
                case Kind.Snapshot:
                    points.Add((bed.Snapshot($"p{points.Count}").Id, model.Copy()));
                    break;
                default:
                    var (id, held) = points[step.A % points.Count];
                    var named = DeviceModel.Components.Where((_, i) => (step.B + 1 & 1 << i) != 0 || i == step.B % 5).Distinct().ToList();
                    bool exact = step.C % 3 == 0;
                    var request = new RollbackRequest(id, named, exact, true, "model-test");
                    var closure = DeviceModel.Closure(named, exact);
                    if (kind == Kind.Rollback || !CutRollback(bed, request, step.C % 70, step.B % 3))
                    {
                        bed.System.RollBackAsync(request).GetAwaiter().GetResult();
                        foreach (string component in closure)
                            model.Trees[component] = held.Copy().Trees[component];
                    }
                    else
                    {
                        cuts++;
                        bed.RecoverAsync().GetAwaiter().GetResult();
                        // All of the closure at the target, or (the operation never began) all as it was.
                        if (closure.All(c => held.Matches(bed, c, out _)))
                            foreach (string component in closure)
                                model.Trees[component] = held.Copy().Trees[component];
                    }
                    break;
            }
            foreach (string component in DeviceModel.Components)
                Assert.True(model.Matches(bed, component, out string why), $"after {step}: {why}");
        }
        bed.AssertStoreVerifies();
    }

    /// <summary>Runs the rollback with the power cut after <paramref name="cut"/> durable steps; false when it finished first.</summary>
    private static bool CutRollback(CrashBed bed, RollbackRequest request, int cut, int damage)
    {
        var observer = new PowerCutObserver(bed.Root, cut);
        try
        {
            using (DiskSteps.Observe(observer))
                bed.System.RollBackAsync(request).GetAwaiter().GetResult();
        }
        catch (Exception) when (observer.Cut)
        {
        }
        if (!observer.Cut)
            return false;
        CrashStateWriter.Write(bed.Root, observer.Durable, CrashDamages.OfSeed(damage), cut);
        CrashExplorer.WaitForLocksToDrop(bed.Root);
        return true;
    }

    /// <summary>Writes, rewrites or removes one file of a component, the same in the model.</summary>
    private static void Change(CrashBed bed, DeviceModel model, string component, int seed)
    {
        var random = new Random(seed);
        var tree = model.Trees[component];
        var files = tree.Where(f => !f.Value.AsSpan().StartsWith("-> "u8)).Select(f => f.Key).ToList();
        string root = bed.Live(DeviceModel.PathOf[component]);
        if (random.Next(3) == 0 && files.Count > 1)
        {
            string gone = files[random.Next(files.Count)];
            File.Delete(Path.Combine(root, gone));
            tree.Remove(gone);
            return;
        }
        string path = random.Next(2) == 0 && files.Count > 0 ? files[random.Next(files.Count)] : $"m{random.Next(100)}.dat";
        var content = new byte[random.Next(0, 20_000)];
        random.NextBytes(content);
        // A new file renamed over the name, as package managers do: a hard link to the old one keeps the old content.
        File.WriteAllBytes(Path.Combine(root, ".new"), content);
        File.Move(Path.Combine(root, ".new"), Path.Combine(root, path), overwrite: true);
        tree[path] = content;
    }
}
