#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with SharpFuzz + AFL++, by hand (never in CI):
#   tools/fuzz/run.sh TARGET [SECONDS]     TARGET: manifest index catalog journal config boot-state trigger-state control-request
# Installs afl++ (apt) and the sharpfuzz tool if missing, publishes the fuzz program, instruments
# Kernel.Update.Rollback.dll (the code under test, not the harness), writes a seed corpus from a real store, runs
# afl-fuzz for SECONDS (default 60), prints "TARGET: N execs, M paths, K crashes" and exits 1 if K > 0.
# Work lives in ${FUZZ_WORK:-/tmp/rollback-fuzz}/TARGET; crashes stay in its findings/default/crashes for
#   ROLLBACK_FUZZ_STORE=.../TARGET/seeds/store dotnet .../plain/rollback-fuzz.dll --replay TARGET FILE... (run.sh prints it)
set -euo pipefail
target=${1:?usage: run.sh TARGET [SECONDS]}
seconds=${2:-60}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_WORK:-/tmp/rollback-fuzz}
tools=$work/tools
plain=$work/plain            # as built: seeds and --replay run here (instrumented code needs AFL's shared memory)
publish=$work/instrumented   # Kernel.Update.Rollback.dll instrumented: what afl-fuzz runs

if ! command -v afl-fuzz >/dev/null; then
    apt-get install -y afl++ >/dev/null
fi
if [ ! -x "$tools/sharpfuzz" ]; then
    dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine >/dev/null
fi

# Published afresh each time: instrumenting a dll twice breaks it, so the instrumented copy starts from a clean one.
rm -rf "$plain" "$publish"
dotnet publish "$repo/tools/fuzz/Kernel.Update.Rollback.Fuzz.csproj" -c Release -o "$plain" -p:UseAppHost=false >/dev/null
cp -r "$plain" "$publish"
"$tools/sharpfuzz" "$publish/Kernel.Update.Rollback.dll" >/dev/null

dir=$work/$target
rm -rf "$dir"
mkdir -p "$dir"
dotnet "$plain/rollback-fuzz.dll" --seeds "$dir/seeds"
[ -d "$dir/seeds/$target" ] || { echo "no seeds for target '$target'" >&2; exit 2; }

# SKIP_BIN_CHECK: the target is dotnet, not an afl-instrumented binary; SharpFuzz speaks the forkserver protocol.
# MISSING_CRASHES / SKIP_CPUFREQ / NO_AFFINITY: a shared machine whose core_pattern and CPUs are not ours to change.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
ROLLBACK_FUZZ_STORE="$dir/seeds/store" \
    afl-fuzz -V "$seconds" -t 5000 -m none -i "$dir/seeds/$target" -o "$dir/findings" -- \
    dotnet "$publish/rollback-fuzz.dll" "$target" >"$dir/afl.log" 2>&1 || { tail -30 "$dir/afl.log" >&2; exit 2; }

stats=$dir/findings/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(stat saved_crashes)
[ -n "$crashes" ] || crashes=$(stat unique_crashes)
echo "$target: $(stat execs_done) execs, $(stat corpus_count) paths, $crashes crashes"
if [ "$crashes" != 0 ]; then
    echo "triage: ROLLBACK_FUZZ_STORE=$dir/seeds/store dotnet $plain/rollback-fuzz.dll --replay $target $dir/findings/default/crashes/id*" >&2
    exit 1
fi
