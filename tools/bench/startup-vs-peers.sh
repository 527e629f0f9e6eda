#!/usr/bin/env bash
# Start-up cost of the native binary, side by side in one run (issue 6): wall time and peak RSS of
#   rollbackctl list (a small store: one recovery point)   vs  rauc --version  vs  restic version
# Best of N runs each (the least disturbed on a shared machine), and N for the median with hyperfine when present.
#
# usage: tools/bench/startup-vs-peers.sh [--runs N]
# Environment: ROLLBACKCTL, the CLI to measure (default: a NativeAOT publish in /tmp/kur-aot, made if missing).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=10
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "startup-vs-peers.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
for tool in /usr/bin/time bc; do command -v "$tool" >/dev/null || { echo "startup-vs-peers.sh: $tool is missing" >&2; exit 2; }; done
CTL=${ROLLBACKCTL:-/tmp/kur-aot/rollbackctl}
[[ -x "$CTL" ]] || dotnet publish "$REPO/tools/rollbackctl" -c Release -o "$(dirname "$CTL")" >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
source "$REPO/tools/bench/measure.sh"

mkdir -p "$WORK/dev/etc" && echo x > "$WORK/dev/etc/hostname"
printf '{ "root": "%s/dev", "store": "%s/store", "components": [{ "name": "etc", "category": "Configuration", "path": "etc" }] }' "$WORK" "$WORK" > "$WORK/rollback.json"
"$CTL" --config "$WORK/rollback.json" snapshot >/dev/null

row() {
    local name=$1; shift
    if ! command -v "$1" >/dev/null; then printf '%-34s %s\n' "$name" "(not installed)"; return; fi
    local times="" rss=""
    for _ in $(seq "$RUNS"); do
        read -r t r < <(measure "$@")
        times+="$t"$'\n'; rss+="$r"$'\n'
    done
    printf '%-34s %8.1f ms  %8.1f MiB\n' "$name" "$(echo "$(echo -n "$times" | best) * 1000" | bc)" "$(echo "scale=1; $(echo -n "$rss" | best) / 1024" | bc)"
}
printf '%-34s %11s  %12s   (best of %s)\n' "command" "wall" "peak RSS" "$RUNS"
row "rollbackctl list (1 point)" "$CTL" --config "$WORK/rollback.json" list
row "rauc --version" rauc --version
row "restic version" restic version
ls -l "$CTL" | awk '{ printf "rollbackctl binary: %.1f MB\n", $5 / 1000000 }'
