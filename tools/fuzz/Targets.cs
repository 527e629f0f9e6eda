using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Boot;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Store.Packs;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kernel.Update.Rollback.Fuzz;

/// <summary>
/// One fuzz target per parser, through the same entry points as ParserFuzzTests. Each returns normally or throws only
/// the parser's typed error, which <see cref="Run"/> swallows; anything else escapes and AFL records it as a crash.
/// </summary>
internal static class Targets
{
    public static readonly string[] Names = ["manifest", "index", "catalog", "journal", "config", "boot-state", "trigger-state", "control-request", "fingerprints"];

    public static Action<byte[]> For(string name) => name switch
    {
        "manifest" => Manifest,
        "index" => Index,
        "catalog" => Catalog,
        "journal" => Journal,
        "config" => Config,
        "boot-state" => BootStateFile,
        "trigger-state" => TriggerStateFile,
        "control-request" => ControlRequestLines,
        "fingerprints" => Fingerprints,
        _ => throw new ArgumentException($"unknown fuzz target '{name}'; one of: {string.Join(", ", Names)}"),
    };

    /// <summary>Runs one input; a typed error is what a parser should do with bad input and is not a finding.</summary>
    public static void Run(Action<byte[]> target, byte[] input)
    {
        try
        {
            target(input);
        }
        catch (FormatException) when (target == Manifest || target == Fingerprints)
        {
        }
        catch (RollbackException e) when (e.Kind is RollbackErrorKind.CorruptedData && target != Config && target != ControlRequestLines)
        {
        }
        catch (RollbackException e) when (e.Kind is RollbackErrorKind.InvalidInput && target == Config)
        {
        }
    }

    private static void Manifest(byte[] input) => ManifestCodec.Decode(input);

    /// <summary>The manifest the fingerprint seeds are bound to (<see cref="Seeds"/>).</summary>
    public static readonly Hash256 FingerprintManifest = Hash256.Compute("a block component's manifest"u8);

    // The trailing SHA-256 is made to match, as for an index, so the structure behind it is tested.
    private static void Fingerprints(byte[] input) => ChunkFingerprints.Decode(Checksums.FixTrailingSha256(input), FingerprintManifest);

    private static void Index(byte[] input)
    {
        var store = SampleStore.Existing.Value;
        var pack = store.Pack;
        // AFL cannot guess a SHA-256: the trailer and the catalog's digest are made to match, so the structure is tested.
        input = Checksums.FixTrailingSha256(input);
        var index = PackIndexFile.Parse(store.Layout.IndexPath(pack.Id), input, Convert.ToHexStringLower(SHA256.HashData(input)), pack.Length);
        // Whatever an index lets through must be read from the real pack without anything but a typed error.
        var chunks = ChunkIndex.Build([pack], [index]);
        using var reader = new ChunkReader(store.Layout, chunks);
        foreach (var chunk in index.Chunks)
        {
            var buffer = new byte[chunk.PlainLength];
            reader.TryRead(chunk.Hash, buffer, out _);
        }
    }

    private static void Catalog(byte[] input)
    {
        var catalog = CatalogFile.Parse(Checksums.FixCatalogTrailer(input), "catalog");
        // Every field the engine dereferences without a check, read as the engine reads it.
        foreach (var point in catalog.Points)
        {
            _ = (point.Id.Length, point.Name.Length, point.Created, point.Reason);
            foreach (var component in point.Components)
                _ = (component.Name.Length, component.Path.Length, component.Category.Length, component.Manifest.Length, component.Block?.Length);
        }
        foreach (var pack in catalog.Packs)
            _ = (pack.Id.Length, pack.IndexSha256.Length);
        _ = LastKnownGood.Find(catalog);
    }

    private static void Journal(byte[] input)
    {
        // Odd lengths get their line checksums fixed (the records behind them tested), even ones keep AFL's (the check tested).
        var (state, _, _) = OperationJournal.Replay("journal", input.Length % 2 == 0 ? input : Checksums.FixJournalLines(input));
        _ = (state.OperationId.Length, state.TargetPointId.Length, state.Components.Count, state.Steps.Count, state.Phase);
    }

    private static void Config(byte[] input) => ConfigLoader.Parse(Encoding.UTF8.GetString(input), "/etc/rollback/rollback.json");

    // A state file is read from a path: one per process, beside run.sh's seeds (removed with them: afl-fuzz kills the
    // process, so it cannot clean up), else on a memory file system where there is one.
    private static readonly Lazy<string> StatePath = new(() => Path.Combine(
        Path.GetDirectoryName(Environment.GetEnvironmentVariable(SampleStore.StoreVariable)) ?? (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath()),
        $"rollback-fuzz-state-{Environment.ProcessId}.json"));

    private static void BootStateFile(byte[] input)
    {
        File.WriteAllBytes(StatePath.Value, input);
        var state = JsonStateFile.Read(StatePath.Value, BootJsonContext.Default.BootState);
        _ = (state?.UpdatePointId?.Length, state?.FailedBoots, state?.CurrentBoot?.Length);
    }

    private static void TriggerStateFile(byte[] input)
    {
        File.WriteAllBytes(StatePath.Value, input);
        var state = JsonStateFile.Read(StatePath.Value, TriggerJsonContext.Default.TriggerState);
        _ = (state?.BootId?.Length, state?.RollbacksThisBoot, state?.Last);
    }

    public static void DeleteStateFile()
    {
        if (StatePath.IsValueCreated)
            File.Delete(StatePath.Value);
    }

    private static readonly ControlDispatcher Dispatcher = new(new NothingHandler(), NullLogger.Instance);
    private static readonly ControlPeer Peer = new(1, 0, 0);

    /// <summary>A control request is answered, never thrown: there is no typed error here at all.</summary>
    private static void ControlRequestLines(byte[] input)
    {
        // Framing first: two lines at once through a pipe, as a socket delivers them, under the line cap.
        var pipe = new Pipe();
        pipe.Writer.Write(input);
        pipe.Writer.Write("\n"u8);
        pipe.Writer.Write(input);
        pipe.Writer.Complete();
        var end = JsonLines.ReadAsync(pipe.Reader, 4096, line =>
        {
            ControlRequest request;
            try
            {
                request = JsonLines.Parse(line, ControlJsonContext.Default.ControlRequest);
            }
            catch (System.Text.Json.JsonException)
            {
                _ = JsonLines.FindId(line); // what the server does to answer a line it cannot parse
                return ValueTask.FromResult(true);
            }
            var response = Dispatcher.DispatchAsync(request, Peer, CancellationToken.None).GetAwaiter().GetResult();
            return response is null ? throw new InvalidOperationException("the dispatcher gave no response") : ValueTask.FromResult(true);
        }, CancellationToken.None).GetAwaiter().GetResult();
        if (end is not (LinesEnd.Closed or LinesEnd.TooLong))
            throw new InvalidOperationException($"the line loop ended {end}");
    }

    private sealed class NothingHandler : IControlHandler
    {
        public Task<System.Text.Json.Nodes.JsonNode?> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation) =>
            Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
    }
}
