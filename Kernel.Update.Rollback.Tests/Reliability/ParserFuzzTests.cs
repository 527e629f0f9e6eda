using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Kernel.Update.Rollback.Api;
using Kernel.Update.Rollback.Boot;
using Kernel.Update.Rollback.Configuration;
using Kernel.Update.Rollback.Durability;
using Kernel.Update.Rollback.Errors;
using Kernel.Update.Rollback.Native;
using Kernel.Update.Rollback.Operations;
using Kernel.Update.Rollback.Store;
using Kernel.Update.Rollback.Store.Catalog;
using Kernel.Update.Rollback.Store.Fingerprints;
using Kernel.Update.Rollback.Store.Manifests;
using Kernel.Update.Rollback.Store.Packs;
using Kernel.Update.Rollback.Triggers;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kernel.Update.Rollback.Tests.Reliability;

/// <summary>
/// A seeded mutation fuzzer over every on-disk format parser and the control protocol's request lines (SharpFuzz and
/// libFuzzer need an instrumented build and a native driver per target, which does not fit the suite's time budget;
/// seeded mutations replay exactly and run in every CI run). Where a format is guarded by a checksum, the checksum is
/// fixed up after mutating, so the structure behind it is what gets tested: a crafted store passes its checksums.
/// Nothing but the parser's typed error may escape, and no input may make it hang or allocate without bound.
/// </summary>
public sealed class ParserFuzzTests(FuzzCorpus corpus, ITestOutputHelper output) : IClassFixture<FuzzCorpus>
{
    private static bool IsCorruption(Exception e) => e is RollbackException { Kind: RollbackErrorKind.CorruptedData };

    private void Report(string format, int executions, IReadOnlyList<FuzzRun.Escape> escapes)
    {
        output.WriteLine($"{format}: {executions} executions, {escapes.Count} kinds of untyped exception");
        Assert.True(escapes.Count == 0, FuzzRun.Describe(escapes));
    }

    [Fact]
    public void ManifestBodiesOnlyEverFailAsFormatErrors()
    {
        const int executions = 12_000;
        var bodies = corpus.Manifests.Select(Body).ToList();
        using var compressor = new ZstdCompressor(1);
        var escapes = FuzzRun.Run(101, executions, bodies, input => ManifestCodec.Decode(Wrap(compressor, input)), e => e is FormatException);
        Report("manifest (body, recompressed)", executions, escapes);
    }

    [Fact]
    public void ManifestFilesOnlyEverFailAsFormatErrors()
    {
        const int executions = 4_000;
        var escapes = FuzzRun.Run(102, executions, corpus.Manifests, input => ManifestCodec.Decode(input), e => e is FormatException);
        Report("manifest (file)", executions, escapes);
    }

    [Fact]
    public void PackIndexesOnlyEverFailAsCorruptionAndWhatTheyAcceptIsReadSafely()
    {
        const int executions = 8_000;
        var layout = new StoreLayout(corpus.Store);
        var pack = corpus.Packs[0];
        var escapes = FuzzRun.Run(103, executions, corpus.Indexes, input =>
        {
            string path = layout.IndexPath(pack.Id);
            // The catalog's digest is made to match: the index's structure is what is under test.
            var index = PackIndexFile.Parse(path, input, Convert.ToHexStringLower(SHA256.HashData(input)), pack.Length);
            // Whatever an index lets through must be read from the real pack without anything but a typed error.
            var chunks = ChunkIndex.Build([pack], [index]);
            using var reader = new ChunkReader(layout, chunks);
            foreach (var chunk in index.Chunks)
            {
                var buffer = new byte[chunk.PlainLength];
                reader.TryRead(chunk.Hash, buffer, out _);
            }
        }, IsCorruption, prepare: FixTrailingSha256);
        Report("pack index", executions, escapes);
    }

    [Fact]
    public void BlockChunkFingerprintsOnlyEverFailAsFormatErrors()
    {
        const int executions = 4_000;
        var manifest = Hash256.Compute("a block component's manifest"u8);
        List<byte[]> seeds =
        [
            new ChunkFingerprints(1, []).Encode(manifest),
            new ChunkFingerprints(0x9E3779B97F4A7C15, [1, 2, 3, UInt128.MaxValue, 0]).Encode(manifest),
        ];
        var escapes = FuzzRun.Run(110, executions, seeds, input => ChunkFingerprints.Decode(input, manifest), e => e is FormatException, prepare: FixTrailingSha256);
        Report("block chunk fingerprints", executions, escapes);
    }

    [Fact]
    public void CatalogsOnlyEverFailAsCorruptionAndWhatTheyAcceptHasNoHoles()
    {
        const int executions = 6_000;
        var escapes = FuzzRun.Run(104, executions, [corpus.Catalog, CatalogBody(corpus.Catalog)], input =>
        {
            var catalog = CatalogFile.Parse(input, "catalog");
            Touch(catalog);
        }, IsCorruption, json: true, prepare: FixCatalogTrailer);
        Report("catalog", executions, escapes);
    }

    [Fact]
    public void JournalsOnlyEverFailAsCorruption()
    {
        const int executions = 8_000;
        var escapes = FuzzRun.Run(105, executions, [corpus.Journal], input =>
        {
            var (state, _, _) = OperationJournal.Replay("journal", input);
            _ = (state.OperationId.Length, state.TargetPointId.Length, state.Components.Count, state.Steps.Count, state.Phase);
        }, IsCorruption, mutate: MutateJournalLine, prepare: input => input.Length % 2 == 0 ? input : FixJournalChecksums(input));
        Report("journal", executions, escapes);
    }

    [Fact]
    public void ConfigurationsOnlyEverFailAsRefusals()
    {
        const int executions = 4_000;
        string[] configs =
        [
            """{ "root": "/tmp/r", "store": "/tmp/s", "components": [{ "name": "etc", "category": "Configuration", "path": "etc" }] }""",
            File.ReadAllText(Infrastructure.RepoRoot.Combine("tools/package/rollback.json.example")),
        ];
        var escapes = FuzzRun.Run(106, executions, configs.Select(Encoding.UTF8.GetBytes).ToList(),
            input => ConfigLoader.Parse(Encoding.UTF8.GetString(input), "/etc/rollback/rollback.json"),
            e => e is RollbackException { Kind: RollbackErrorKind.InvalidInput }, json: true);
        Report("config", executions, escapes);
    }

    [Fact]
    public void StateFilesOnlyEverFailAsCorruption()
    {
        const int executions = 2_500;
        // On a memory file system where there is one: the parser is under test, not the disk.
        string path = Directory.Exists("/dev/shm") ? $"/dev/shm/kur-fuzz-state-{Environment.ProcessId}.json" : corpus.Scratch("state.json");
        byte[] boot = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new BootState { UpdatePointId = corpus.FirstPoint, FailedBoots = 2, CurrentBoot = "6f1e", CurrentBootClean = true }, BootJsonContext.Default.BootState);
        var escapes = FuzzRun.Run(107, executions, [boot], input =>
        {
            File.WriteAllBytes(path, input);
            var state = JsonStateFile.Read(path, BootJsonContext.Default.BootState)!;
            _ = (state.UpdatePointId == corpus.FirstPoint, state.FailedBoots, state.CurrentBoot);
        }, IsCorruption, json: true);
        Report("boot-state.json", executions, escapes);

        byte[] trigger = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new TriggerState { BootId = "6f1e", RollbacksThisBoot = 1, Last = DateTimeOffset.UnixEpoch }, TriggerJsonContext.Default.TriggerState);
        escapes = FuzzRun.Run(108, executions, [trigger], input =>
        {
            File.WriteAllBytes(path, input);
            var state = JsonStateFile.Read(path, TriggerJsonContext.Default.TriggerState)!;
            _ = (state.BootId, state.RollbacksThisBoot, state.Last);
        }, IsCorruption, json: true);
        Report("trigger-state.json", executions, escapes);
        File.Delete(path);
    }

    [Fact]
    public void ControlRequestLinesAreAnsweredNeverThrown()
    {
        const int executions = 6_000;
        string[] lines =
        [
            """{"id":1,"op":"status"}""",
            """{"id":2,"op":"rollback","point":"last-known-good","components":["app","data"],"exact":true,"confirm":true}""",
            """{"id":3,"op":"snapshot","name":"before update","components":["app"]}""",
            """{"id":4,"op":"subscribe"}""",
        ];
        var dispatcher = new ControlDispatcher(new NothingHandler(), NullLogger.Instance);
        var peer = new ControlPeer(1, 0, 0);
        var escapes = FuzzRun.Run(109, executions, lines.Select(Encoding.UTF8.GetBytes).ToList(), input =>
        {
            // Framing first: several lines at once through a pipe, as a socket delivers them, under the line cap.
            var pipe = new Pipe();
            pipe.Writer.Write(input);
            pipe.Writer.Write("\n"u8);
            pipe.Writer.Write(input);
            pipe.Writer.Complete();
            var lineCount = 0;
            var end = JsonLines.ReadAsync(pipe.Reader, 4096, line =>
            {
                lineCount++;
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
                var response = dispatcher.DispatchAsync(request, peer, CancellationToken.None).GetAwaiter().GetResult();
                Assert.NotNull(response);
                return ValueTask.FromResult(true);
            }, CancellationToken.None).GetAwaiter().GetResult();
            Assert.True(end is LinesEnd.Closed or LinesEnd.TooLong, $"the line loop ended {end}");
        }, _ => false, json: true);
        Report("control request lines", executions, escapes);
    }

    private sealed class NothingHandler : IControlHandler
    {
        public Task<System.Text.Json.Nodes.JsonNode?> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellation) =>
            Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
    }

    /// <summary>Every field the engine dereferences without a check, read as the engine reads it: a catalog the parser
    /// accepts must not make later code throw.</summary>
    private static void Touch(CatalogDocument catalog)
    {
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

    private static byte[] Body(byte[] manifest)
    {
        var frame = manifest.AsSpan(8);
        var body = new byte[Zstd.FrameContentSize(frame)];
        using var decompressor = new ZstdDecompressor();
        Assert.Equal(body.Length, decompressor.TryDecompress(frame, body));
        return body;
    }

    private static byte[] Wrap(ZstdCompressor compressor, byte[] body)
    {
        var file = new byte[8 + Zstd.CompressBound(body.Length)];
        "KURMF001"u8.CopyTo(file);
        int written = compressor.Compress(body, file.AsSpan(8));
        return file[..(8 + written)];
    }

    /// <summary>Pack indexes and block fingerprint files end in the SHA-256 of everything before it.</summary>
    private static byte[] FixTrailingSha256(byte[] index)
    {
        if (index.Length < 32)
            return index;
        SHA256.HashData(index.AsSpan(0, index.Length - 32), index.AsSpan(index.Length - 32));
        return index;
    }

    private static byte[] CatalogBody(byte[] catalog) => catalog[..catalog.AsSpan().LastIndexOf("\n#sha256 "u8)];

    private static byte[] FixCatalogTrailer(byte[] catalog)
    {
        int trailer = catalog.AsSpan().LastIndexOf("\n#sha256 "u8);
        var body = trailer < 0 ? catalog : catalog[..trailer];
        return [.. body, .. Encoding.ASCII.GetBytes("\n#sha256 " + Convert.ToHexStringLower(SHA256.HashData(body)) + "\n")];
    }

    /// <summary>One line's JSON mutated as JSON, its checksum then made right, so the records and their order are tested.</summary>
    private static byte[] MutateJournalLine(Mutator mutator, byte[] journal, byte[] other)
    {
        var lines = Encoding.UTF8.GetString(journal).Split('\n').Where(l => l.Length > 9).ToList();
        int pick = mutator.Random.Next(lines.Count);
        byte[] json = mutator.MutateJson(Encoding.UTF8.GetBytes(lines[pick][9..]), other);
        lines[pick] = "00000000 " + Encoding.UTF8.GetString(json).Replace('\n', ' ');
        if (mutator.Random.Next(4) == 0)
            lines.Insert(mutator.Random.Next(lines.Count + 1), lines[mutator.Random.Next(lines.Count)]);
        return FixJournalChecksums(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
    }

    private static byte[] FixJournalChecksums(byte[] journal)
    {
        var text = new StringBuilder();
        foreach (string line in Encoding.UTF8.GetString(journal).Split('\n'))
        {
            if (line.Length > 9)
            {
                byte[] json = Encoding.UTF8.GetBytes(line[9..]);
                text.Append(Crc32C.Compute(json).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(line[9..]);
            }
            else
                text.Append(line);
            text.Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString(0, Math.Max(0, text.Length - 1)));
    }
}
