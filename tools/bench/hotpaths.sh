#!/usr/bin/env bash
# Issue 8's figures for the README's hot-path table, all in one session on the same machine:
#   1. hash-vs-openssl: the store's SHA-256 and openssl speed -evp sha256 -bytes 65536 (the platform's SHA-256
#      speed) in turns, per CPU second (openssl's default divisor) and per wall second (-elapsed),
#   2. the BenchmarkDotNet hot-path benchmarks (tools/benchmarks, MemoryDiagnoser, in-process, short job),
#   3. snapshot-gc: a real 1 GiB snapshot through the engine, its GC collections and allocated bytes,
# then one table: throughput and allocated bytes per MB of every hot path.
# Usage: bash tools/bench/hotpaths.sh [--mib N] [--job short|medium|dry]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mib=1024
job=short
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) mib=$2; shift 2 ;;
    --job) job=$2; shift 2 ;;
    *) echo "usage: hotpaths.sh [--mib N] [--job short|medium|dry]" >&2; exit 2 ;;
  esac
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
dotnet build "$repo/tools/benchmarks" -c Release -v quiet -nologo >/dev/null
bench="$repo/tools/benchmarks/bin/Release/net10.0/Kernel.Update.Rollback.Benchmarks.dll"
dotnet "$bench" hash-vs-openssl --seconds 3 --rounds 3
(cd "$out" && dotnet "$bench" --inProcess --memory --job "$job" --artifacts "$out/bdn" --exporters csv \
  --filter '*ChunkerBenchmark*' '*HashBenchmark*' '*CompressionBenchmark*' '*PackBenchmark*' '*ManifestBenchmark*' \
           '*LiveTreeBenchmark*' '*BlockCompareBenchmark*' > "$out/bdn.log" 2>&1) || { tail -40 "$out/bdn.log"; exit 1; }
grep -E '^\|' "$out/bdn.log" || true

dotnet "$bench" snapshot-gc --mib "$mib" | tee "$out/gc.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" <<'PY'
import csv, glob, os, re, sys
out = sys.argv[1]
units = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
sizes = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}
def seconds(text):
    if text.strip() == "NA":
        return float("nan")
    value, unit = text.replace(",", "").split()
    return float(value) * units[unit]
def allocated(text):
    if text.strip() in ("-", "0 B", ""):
        return 0.0
    value, unit = text.replace(",", "").split()
    return float(value) * sizes[unit]
print()
print("| hot path | case | throughput (wall clock) | allocated |")
print("|---|---|---:|---:|")
for path in sorted(glob.glob(os.path.join(out, "bdn", "results", "*-report.csv"))):
    name = re.sub(r".*\.(\w+)Benchmark-report\.csv$", r"\1", path)
    for row in csv.DictReader(open(path)):
        case = " ".join(f"{k}={row[k]}" for k in ("AvgKiB", "Input", "ChunkKiB", "Touched") if k in row and row[k])
        case = (row["Method"] + " " + case).strip()
        mean = seconds(row["Mean"])
        gbs = row.get("GB/s", "-")
        alloc = allocated(row["Allocated"])
        if gbs not in ("-", "", None):
            mb = float(gbs) * 1e9 * mean / 1e6
            print(f"| {name} | {case} | {float(gbs):.2f} GB/s | {alloc / mb:.1f} B per MB |")
        else:
            print(f"| {name} | {case} | {mean * 1e3:.2f} ms per op | {alloc / 1024:.1f} KB per op |")
PY
