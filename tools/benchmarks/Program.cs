using BenchmarkDotNet.Running;
using Kernel.Update.Rollback.Benchmarks;

// "cdc-study DIR": how the average chunk size affects deduplication and compression of a real tree.
// "snapshot-gc [--mib N]": a real snapshot of N MiB of generated files, and what it cost the garbage collector.
// "hash-vs-openssl": the store's SHA-256 against openssl speed, in turns.
// Anything else goes to BenchmarkDotNet (e.g. --filter '*Chunker*' --job short).
if (args.Length > 0 && args[0] == "cdc-study")
    return CdcStudy.Run(args[1..]);
// "block-snapshot STORE BLOCK fixed|cdc": one snapshot of a block device with fixed or content-defined chunks.
if (args.Length > 0 && args[0] == "block-snapshot")
    return BlockChunkingStudy.Run(args[1..]);
if (args.Length > 0 && args[0] == "snapshot-gc")
    return SnapshotGc.Run(args[1..]);
if (args.Length > 0 && args[0] == "hash-vs-openssl")
    return HashVsOpenssl.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(ChunkerBenchmark).Assembly).Run(args);
return 0;
