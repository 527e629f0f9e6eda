#!/usr/bin/env bash
# Fixed or content-defined chunks for block components, measured on the 512 MiB ext4 of the minbase tree on a loop
# device (the image of block-vs-peers.sh): for each way of cutting, into a fresh store, the first snapshot (seconds,
# store bytes), then ~300 files of /usr edited and a re-snapshot (what it added to the store). Both ways snapshot the
# same two images, through the engine's own snapshot path (tools/benchmarks block-snapshot, JIT, one run each).
#
# usage: tools/bench/block-chunking.sh [--work DIR] [--keep]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK="" KEEP=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --work) WORK=$(realpath -m "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "block-chunking.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "block-chunking.sh: needs root (loop devices, mount)" >&2; exit 2; }
for tool in losetup mkfs.ext4 python3 dotnet; do command -v "$tool" >/dev/null || { echo "block-chunking.sh: $tool is missing" >&2; exit 2; }; done
source "$REPO/tools/bench/minbase-ext4.sh"
enter_block_workdir kur-block-chunking

dotnet build "$REPO/tools/benchmarks" -c Release -o "$WORK/bench" >/dev/null
study() { dotnet "$WORK/bench/Kernel.Update.Rollback.Benchmarks.dll" block-snapshot "$@"; }

make_minbase_ext4 disk.img
cp disk.img updated.img
LOOP=$(losetup --find --show updated.img)
summary=$(update_minbase_ext4 "$LOOP")
losetup -d "$LOOP"
# The device both ways snapshot: disk.img, then updated.img, written onto it.
truncate -s 512M device.img
LOOP=$(losetup --find --show device.img)
echo "update: $summary"
for mode in fixed cdc; do
    dd if=disk.img of="$LOOP" bs=4M conv=fsync status=none
    echo "$mode first snapshot: $(study "store-$mode" "$LOOP" "$mode")"
    dd if=updated.img of="$LOOP" bs=4M conv=fsync status=none
    echo "$mode after the update: $(study "store-$mode" "$LOOP" "$mode")"
done
echo "command: tools/bench/block-chunking.sh"
