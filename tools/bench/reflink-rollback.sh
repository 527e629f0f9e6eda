#!/usr/bin/env bash
# Reflink restore, before and after, on a btrfs loop device: the minbase tree's /usr as a component, the store on the
# same btrfs; an "update" renames usr/lib/x86_64-linux-gnu (38.7 MB, the largest directory) and edits one file; a
# durable rollback (rollbackctl rollback --yes) brings the directory back. BEFORE writes every file of it from the
# store; AFTER clones each from the renamed live copy. Both binaries on the same data in the same run, alternated.
#
# usage: tools/bench/reflink-rollback.sh BEFORE_ROLLBACKCTL AFTER_ROLLBACKCTL [--runs N]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BEFORE=$1 AFTER=$2 RUNS=3
shift 2
[[ "${1:-}" == "--runs" ]] && RUNS=$2
[[ $(id -u) -eq 0 ]] || { echo "reflink-rollback.sh: needs root (loop devices, mount)" >&2; exit 2; }
WORK=$(mktemp -d /var/tmp/kur-reflink-bench.XXXXXX)
LOOP=""
cleanup() {
    mountpoint -q "$WORK/fs" 2>/dev/null && umount "$WORK/fs"
    [[ -n "$LOOP" ]] && losetup -d "$LOOP" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
truncate -s 2G fs.img
LOOP=$(losetup --find --show fs.img)
mkfs.btrfs -q -f "$LOOP"
mkdir fs && mount "$LOOP" fs
bash "$REPO/tools/scripts/minbase.sh" extract fs/device >/dev/null 2>&1
cat >rollback.json <<JSON
{ "root": "$WORK/fs/device", "store": "$WORK/fs/store", "components": [ { "name": "usr", "category": "Other", "path": "usr" } ] }
JSON
source "$REPO/tools/bench/measure.sh"
id=$("$AFTER" --config rollback.json snapshot --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
update() { mv fs/device/usr/lib/x86_64-linux-gnu fs/device/usr/lib/x86_64-linux-gnu.2; echo 2 >> fs/device/usr/share/doc/bash/README; }
declare -a before after
for ((i = 1; i <= RUNS; i++)); do
    for which in BEFORE AFTER; do
        update
        read -r t _ < <(measure "${!which}" --config rollback.json rollback "$id" --yes)
        [[ -d fs/device/usr/lib/x86_64-linux-gnu && ! -e fs/device/usr/lib/x86_64-linux-gnu.2 ]] || { echo "reflink-rollback.sh: not rolled back" >&2; exit 1; }
        if [[ $which == BEFORE ]]; then before+=("$t"); else after+=("$t"); fi
    done
    echo "run $i: before ${before[-1]} s, after ${after[-1]} s" >&2
done
"$AFTER" --config rollback.json diff "$id" | tail -1
echo "durable rollback of a renamed 38.7 MB directory: before $(printf '%s\n' "${before[@]}" | best) s, after $(printf '%s\n' "${after[@]}" | best) s (best of $RUNS)"
echo "data written by the last rollback (btrfs filesystem du of the directory, shared = cloned):"
btrfs filesystem du -s fs/device/usr/lib/x86_64-linux-gnu | tail -1
