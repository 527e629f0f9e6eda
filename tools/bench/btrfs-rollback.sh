#!/usr/bin/env bash
# The btrfs fast paths, before and after, on a btrfs loop device holding the minbase tree and the store:
#   reflink:   /usr (a plain directory) is the component; the update renames usr/lib/x86_64-linux-gnu (38.7 MB, the
#              largest directory) and edits one file; the rollback brings the directory back (BEFORE writes every file
#              from the store, AFTER clones each from the renamed live copy)
#   subvolume: /usr is a btrfs subvolume; a small update edits ~6.5% of its files (seeded), a large one removes
#              usr/lib/x86_64-linux-gnu and usr/share/locale (70.5 MB); the rollback (BEFORE: a delta restore from the
#              store; AFTER: the same below 16 MiB and 2,000 entries, else a swap with the point's btrfs snapshot); and
#              the first snapshot's time
# Durable rollbacks (rollbackctl rollback --yes), both binaries on the same data in the same run, alternated, best of N.
#
# usage: tools/bench/btrfs-rollback.sh BEFORE_ROLLBACKCTL AFTER_ROLLBACKCTL [--runs N]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BEFORE=$1 AFTER=$2 RUNS=3
shift 2
[[ "${1:-}" == "--runs" ]] && RUNS=$2
[[ $(id -u) -eq 0 ]] || { echo "btrfs-rollback.sh: needs root (loop devices, mount)" >&2; exit 2; }
WORK=$(mktemp -d /var/tmp/kur-btrfs-bench.XXXXXX)
LOOP=""
cleanup() {
    mountpoint -q "$WORK/fs" 2>/dev/null && umount "$WORK/fs"
    [[ -n "$LOOP" ]] && losetup -d "$LOOP" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
truncate -s 3G fs.img
LOOP=$(losetup --find --show fs.img)
mkfs.btrfs -q -f "$LOOP" >/dev/null 2>&1
mkdir fs && mount "$LOOP" fs
source "$REPO/tools/bench/measure.sh"
best_of() { printf '%s\n' "$@" | best; }

# Runs "$1" (a function that changes the tree), then with each binary a rollback to the point $2 (BEFORE, config $3)
# or $4 (AFTER, config $5), RUNS times, alternated; prints "before after".
compare() {
    local change=$1 t
    local -A id=([BEFORE]=$2 [AFTER]=$4) conf=([BEFORE]=$3 [AFTER]=$5)
    local -a before=() after=()
    for ((i = 1; i <= RUNS; i++)); do
        for which in BEFORE AFTER; do
            $change
            read -r t _ < <(measure "${!which}" --config "${conf[$which]}" rollback "${id[$which]}" --yes)
            "${!which}" --config "${conf[$which]}" diff "${id[$which]}" | grep -q unchanged || { echo "btrfs-rollback.sh: $which did not roll back" >&2; exit 1; }
            if [[ $which == BEFORE ]]; then before+=("$t"); else after+=("$t"); fi
        done
    done
    echo "$(best_of "${before[@]}") $(best_of "${after[@]}")"
}
config() { echo "{ \"root\": \"$WORK/fs/device\", \"store\": \"$WORK/fs/$1\", \"components\": [ { \"name\": \"usr\", \"category\": \"Other\", \"path\": \"usr\" } ] }" > "$1.json"; }
point() { "$1" --config "$2" list --json | python3 -c 'import json,sys; d=json.load(sys.stdin); p=d["points"] if isinstance(d,dict) else d; print(p[-1]["id"])'; }

# Scenario 1: reflinks.
bash "$REPO/tools/scripts/minbase.sh" extract fs/device >/dev/null 2>&1
config store
"$AFTER" --config store.json snapshot >/dev/null
id=$(point "$AFTER" store.json)
rename() { mv fs/device/usr/lib/x86_64-linux-gnu fs/device/usr/lib/x86_64-linux-gnu.2; echo 2 >> fs/device/usr/share/doc/bash/README; }
read -r rb ra < <(compare rename "$id" store.json "$id" store.json)

# Scenario 2: /usr as a subvolume.
# Each binary has its own store: the older one would drop the catalog's record of the btrfs snapshots.
rm -rf fs/device fs/store
mkdir -p fs/device
btrfs subvolume create fs/device/usr >/dev/null
bash "$REPO/tools/scripts/minbase.sh" extract fs/device >/dev/null 2>&1
config store-before; config store-after
read -r sb _ < <(measure "$BEFORE" --config store-before.json snapshot)
read -r sa _ < <(measure "$AFTER" --config store-after.json snapshot)
seed=1
edit() { python3 "$REPO/tools/bench/five-percent-update.py" fs/device/usr --seed $((seed++)) --edit 0.065 --delete 0 --chmod 0 --add-bytes 0 >/dev/null; }
pb=$(point "$BEFORE" store-before.json) pa=$(point "$AFTER" store-after.json)
read -r vb va < <(compare edit "$pb" store-before.json "$pa" store-after.json)
remove() { rm -rf fs/device/usr/lib/x86_64-linux-gnu fs/device/usr/share/locale; }
read -r bb ba < <(compare remove "$pb" store-before.json "$pa" store-after.json)

printf '%-74s %9s %9s\n' "durable rollback on btrfs (best of $RUNS)" before after
printf '%-74s %9.3f %9.3f\n' "reflink: usr/lib/x86_64-linux-gnu (38.7 MB) renamed by the update (s)" "$rb" "$ra"
printf '%-74s %9.3f %9.3f\n' "subvolume: /usr after ~6.5% of its files were edited (s)" "$vb" "$va"
printf '%-74s %9.3f %9.3f\n' "subvolume: /usr after 70.5 MB of it were removed (s)" "$bb" "$ba"
printf '%-74s %9.3f %9.3f\n' "subvolume: first snapshot of /usr (s)" "$sb" "$sa"
echo "command: tools/bench/btrfs-rollback.sh BEFORE AFTER --runs $RUNS"
