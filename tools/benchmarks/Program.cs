using BenchmarkDotNet.Running;
using Kernel.Update.Rollback.Benchmarks;

// "cdc-study DIR": how the average chunk size affects deduplication and compression of a real tree.
// Anything else goes to BenchmarkDotNet (e.g. --filter '*Chunker*' --job short).
if (args.Length > 0 && args[0] == "cdc-study")
    return CdcStudy.Run(args[1..]);
// "block-snapshot STORE BLOCK fixed|cdc": one snapshot of a block device with fixed or content-defined chunks.
if (args.Length > 0 && args[0] == "block-snapshot")
    return BlockChunkingStudy.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(ChunkerBenchmark).Assembly).Run(args);
return 0;
