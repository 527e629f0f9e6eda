#!/usr/bin/env bash
# Side-by-side figures for issue 3: on the Debian minbase tree after a seeded 5% update,
#   - a durable rollback (rollbackctl rollback --yes)   vs  rsync -a --delete from a mirror copy (not durable)
#   - restore into an empty directory (restore --to)    vs  tar -xf of the tree's tar.zst
#   - peak RSS of every rollbackctl run                 vs  48 MiB
# in the same run, page cache warm, `sync` before every timed run so earlier writeback does not bill it.
# Between runs each tool's tree is put back in the updated state (--reset):
#   update  the update is applied again, in place, to the tree the tool just rolled back (default): the files it does
#           not touch keep their inodes, as on a device that took an update
#   copy    the tree is replaced by a fresh `cp -a` of the updated tree: every inode is new, so every entry's
#           inode and ctime differ from the snapshot's (the harder case for a stat-based change check)
#
# usage: tools/bench/rollback-vs-peers.sh [--runs N] [--reset update|copy] [--work DIR] [--keep]
# Environment: ROLLBACKCTL, the CLI to measure (default: a NativeAOT publish in /tmp/kur-aot, made if missing).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=3 WORK="" KEEP=0 RESET=update
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --work) WORK=$(realpath -m "$2"); shift 2 ;;
        --reset) RESET=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "rollback-vs-peers.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ $RESET == update || $RESET == copy ]] || { echo "rollback-vs-peers.sh: --reset is update or copy, not $RESET" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "rollback-vs-peers.sh: needs root (the tree has root-owned files and device nodes)" >&2; exit 2; }
for tool in rsync zstd /usr/bin/time python3; do command -v "$tool" >/dev/null || { echo "rollback-vs-peers.sh: $tool is missing" >&2; exit 2; }; done
CTL=${ROLLBACKCTL:-/tmp/kur-aot/rollbackctl}
if [[ ! -x "$CTL" ]]; then
    dotnet publish "$REPO/tools/rollbackctl" -c Release -o "$(dirname "$CTL")" >/dev/null
fi
WORK=${WORK:-$(mktemp -d /var/tmp/kur-rollback-bench.XXXXXX)}
mkdir -p "$WORK"
[[ $KEEP -eq 1 ]] || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

bash "$REPO/tools/scripts/minbase.sh" extract "$WORK/root" >/dev/null 2>&1
cat >"$WORK/rollback.json" <<JSON
{ "root": "$WORK/root", "store": "$WORK/store", "components": [
  { "name": "config", "category": "Configuration", "path": "etc" },
  { "name": "services", "category": "SystemServices", "path": "usr" },
  { "name": "state", "category": "UserData", "path": "var" } ] }
JSON
R=("$CTL" --config "$WORK/rollback.json")
id=$("${R[@]}" snapshot --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
cp -a root mirror
tar -cf - -C mirror . | zstd -3 -T0 -q >tree.tar.zst
summary=$(python3 "$REPO/tools/bench/five-percent-update.py" root)
cp -a root updated
cp -a mirror rsync-root
python3 "$REPO/tools/bench/five-percent-update.py" rsync-root >/dev/null

source "$REPO/tools/bench/measure.sh"
# Puts a tool's tree back in the updated state after the tool rolled it back to the snapshot (see --reset).
reset_updated() {
    if [[ $RESET == copy ]]; then
        rm -rf "$1"; cp -a updated "$1"
    else
        python3 "$REPO/tools/bench/five-percent-update.py" "$1" >/dev/null
    fi
}

declare -a ours_rb rsync_rb ours_rs tar_rs
max_rss=0
for ((i = 1; i <= RUNS; i++)); do
    read -r t m < <(measure "${R[@]}" rollback "$id" --yes); ours_rb+=("$t"); ((m > max_rss)) && max_rss=$m; reset_updated root
    read -r t m < <(measure rsync -a --delete mirror/ rsync-root/); rsync_rb+=("$t"); reset_updated rsync-root
    # Each restore into a new directory, none removed until the end: ext4 passes over inodes freed in the last minutes
    # when it allocates new ones, so restoring where 7,000 files were just removed measures that scan, not the tool.
    read -r t m < <(measure "${R[@]}" restore "$id" --to "restored/ours-$i"); ours_rs+=("$t"); ((m > max_rss)) && max_rss=$m
    mkdir -p "restored/tar-$i"; read -r t m < <(measure tar -xf tree.tar.zst -C "restored/tar-$i"); tar_rs+=("$t")
    echo "run $i: rollback ${ours_rb[-1]} s, rsync ${rsync_rb[-1]} s, restore --to ${ours_rs[-1]} s, tar -xf ${tar_rs[-1]} s" >&2
done
rm -rf restored
a=$(printf '%s\n' "${ours_rb[@]}" | best); b=$(printf '%s\n' "${rsync_rb[@]}" | best)
c=$(printf '%s\n' "${ours_rs[@]}" | best); d=$(printf '%s\n' "${tar_rs[@]}" | best)
ma=$(printf '%s\n' "${ours_rb[@]}" | median); mb=$(printf '%s\n' "${rsync_rb[@]}" | median)
mc=$(printf '%s\n' "${ours_rs[@]}" | median); md=$(printf '%s\n' "${tar_rs[@]}" | median)
rss=$(echo "scale=1; $max_rss / 1024" | bc)
echo "5% update: $summary; trees reset by: $RESET"
printf '%-48s %10s %10s %7s %7s\n' target ours peer ratio limit
printf '%-48s %10s %10s %7.3f %7s\n' "durable rollback vs rsync -a --delete (s)" "$a" "$b" "$(echo "$a / $b" | bc -l)" "<= 1.0"
printf '%-48s %10s %10s %7.3f %7s\n' "restore --to vs tar -xf of the tar.zst (s)" "$c" "$d" "$(echo "$c / $d" | bc -l)" "<= 1.0"
printf '%-48s %10s %10s %7.3f %7s\n' "peak RSS of rollbackctl (MiB)" "$rss" "48" "$(echo "$rss / 48" | bc -l)" "<= 1.0"
echo "medians: rollback $ma vs rsync $mb s ($(printf '%.3f' "$(echo "$ma / $mb" | bc -l)")), restore --to $mc vs tar -xf $md s ($(printf '%.3f' "$(echo "$mc / $md" | bc -l)"))"
echo "best of $RUNS; command: tools/bench/rollback-vs-peers.sh --runs $RUNS --reset $RESET"
