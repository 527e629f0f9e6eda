#!/usr/bin/env bash
# Side-by-side figures for issue 4 on a 512 MiB ext4 made from the Debian minbase tree on a loop device:
#   - snapshot (rollbackctl snapshot)                 vs  zstd -3 -T0 < /dev/loopN
#   - after editing ~5% of /usr's files (~300): a durable rollback (rollbackctl rollback --yes)
#                                                      vs  zstd -d < dev.zst | dd conv=fsync   (a full rewrite)
#                                                      vs  casync extract --seed (the updated image as seed), then sync
#   - what a re-snapshot of the unchanged device adds to the store
#   - peak RSS of every rollbackctl run                vs  48 MiB
# All in the same run, page cache warm, `sync` before every timed run.
#
# usage: tools/bench/block-vs-peers.sh [--runs N] [--work DIR] [--keep]
# Environment: ROLLBACKCTL, the CLI to measure (default: a NativeAOT publish in /tmp/kur-aot, made if missing).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=3 WORK="" KEEP=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --work) WORK=$(realpath -m "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "block-vs-peers.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "block-vs-peers.sh: needs root (loop devices, mount)" >&2; exit 2; }
for tool in losetup mkfs.ext4 zstd casync /usr/bin/time python3 bc; do command -v "$tool" >/dev/null || { echo "block-vs-peers.sh: $tool is missing" >&2; exit 2; }; done
CTL=${ROLLBACKCTL:-/tmp/kur-aot/rollbackctl}
[[ -x "$CTL" ]] || dotnet publish "$REPO/tools/rollbackctl" -c Release -o "$(dirname "$CTL")" >/dev/null
source "$REPO/tools/bench/minbase-ext4.sh"
enter_block_workdir kur-block-bench

make_minbase_ext4 disk.img
LOOP=$(losetup --find --show disk.img)
mkdir -p mnt
cat >rollback.json <<JSON
{ "root": "$WORK", "store": "$WORK/store", "components": [ { "name": "rootfs", "category": "KernelCore", "block": "$LOOP" } ] }
JSON
R=("$CTL" --config "$WORK/rollback.json")

source "$REPO/tools/bench/measure.sh"
max_rss=0
declare -a ours_snap zstd_snap
for ((i = 1; i <= RUNS; i++)); do
    rm -rf store; read -r t m < <(measure "${R[@]}" snapshot); ours_snap+=("$t"); ((m > max_rss)) && max_rss=$m
    read -r t m < <(measure sh -c "zstd -3 -T0 -q < $LOOP > /dev/null"); zstd_snap+=("$t")
done
id=$("${R[@]}" list --json | python3 -c 'import json,sys; d=json.load(sys.stdin); p=d["points"] if isinstance(d,dict) else d; print(p[-1]["id"])')
zstd -3 -T0 -q < "$LOOP" > dev.zst
casync make --store=castr dev.caibx "$LOOP" >/dev/null

summary=$(update_minbase_ext4 "$LOOP")
cp disk.img updated.img
reset() { dd if=updated.img of="$LOOP" bs=4M conv=fsync status=none; }

declare -a ours_rb dd_rb casync_rb
for ((i = 1; i <= RUNS; i++)); do
    reset; read -r t m < <(measure "${R[@]}" rollback "$id" --yes); ours_rb+=("$t"); ((m > max_rss)) && max_rss=$m
    reset; read -r t m < <(measure sh -c "zstd -d -q < dev.zst | dd of=$LOOP bs=4M conv=fsync status=none"); dd_rb+=("$t")
    reset; read -r t m < <(measure sh -c "casync extract --store=castr --seed=updated.img dev.caibx $LOOP && sync"); casync_rb+=("$t")
    echo "run $i: snapshot ${ours_snap[i-1]} s (zstd ${zstd_snap[i-1]} s), rollback ${ours_rb[-1]} s, zstd|dd ${dd_rb[-1]} s, casync ${casync_rb[-1]} s" >&2
done
cmp -s "$LOOP" <(zstd -d -q < dev.zst) || { echo "block-vs-peers.sh: the device does not equal the snapshot after the last peer run" >&2; exit 1; }
before=$(du -sb store | cut -f1)
read -r t m < <(measure "${R[@]}" snapshot); ((m > max_rss)) && max_rss=$m
growth=$(( $(du -sb store | cut -f1) - before ))

a=$(printf '%s\n' "${ours_snap[@]}" | best); b=$(printf '%s\n' "${zstd_snap[@]}" | best)
c=$(printf '%s\n' "${ours_rb[@]}" | best); d=$(printf '%s\n' "${dd_rb[@]}" | best); e=$(printf '%s\n' "${casync_rb[@]}" | best)
rss=$(echo "scale=1; $max_rss / 1024" | bc)
echo "update: $summary"
printf '%-52s %10s %10s %7s %7s\n' target ours peer ratio limit
printf '%-52s %10s %10s %7.3f %7s\n' "snapshot vs zstd -3 -T0 < device (s)" "$a" "$b" "$(echo "$a / $b" | bc -l)" "<= 1.0"
printf '%-52s %10s %10s %7.3f %7s\n' "durable rollback vs zstd -d | dd conv=fsync (s)" "$c" "$d" "$(echo "$c / $d" | bc -l)" "<= 0.25"
printf '%-52s %10s %10s %7.3f %7s\n' "durable rollback vs casync extract --seed (s)" "$c" "$e" "$(echo "$c / $e" | bc -l)" "<= 0.1"
printf '%-52s %10s %10s %7.3f %7s\n' "re-snapshot of the unchanged device adds (bytes)" "$growth" "1000000" "$(echo "$growth / 1000000" | bc -l)" "< 1.0"
printf '%-52s %10s %10s %7.3f %7s\n' "peak RSS of rollbackctl (MiB)" "$rss" "48" "$(echo "$rss / 48" | bc -l)" "<= 1.0"
echo "best of $RUNS; command: tools/bench/block-vs-peers.sh --runs $RUNS"
