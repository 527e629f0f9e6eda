# Shared by the block benchmark scripts (sourced, not run): the 512 MiB ext4 made from the Debian minbase tree, and
# the update of ~300 files of its /usr, and the work directory they live in. Needs $REPO.

# Makes $WORK (unless given; mktemp with prefix $1 under /var/tmp) and enters it; on exit unmounts $WORK/mnt, detaches
# $LOOP and removes $WORK unless $KEEP is 1.
enter_block_workdir() {
    WORK=${WORK:-$(mktemp -d "/var/tmp/$1.XXXXXX")}
    mkdir -p "$WORK"
    LOOP=""
    trap cleanup_block_workdir EXIT
    cd "$WORK"
}

cleanup_block_workdir() {
    mountpoint -q "$WORK/mnt" 2>/dev/null && umount "$WORK/mnt"
    [[ -n "$LOOP" ]] && losetup -d "$LOOP" 2>/dev/null
    [[ ${KEEP:-0} -eq 1 ]] || rm -rf "$WORK"
}

# Writes the image to $1.
make_minbase_ext4() {
    bash "$REPO/tools/scripts/minbase.sh" extract "$WORK/tree" >/dev/null 2>&1
    truncate -s 512M "$1"
    mkfs.ext4 -q -F -d "$WORK/tree" "$1"
    rm -rf "$WORK/tree"
}

# Mounts the ext4 on device $1 at $WORK/mnt, edits ~6.5% of /usr's files (seeded), unmounts; prints the summary.
update_minbase_ext4() {
    mkdir -p "$WORK/mnt"
    mount "$1" "$WORK/mnt"
    python3 "$REPO/tools/bench/five-percent-update.py" "$WORK/mnt/usr" --edit 0.065 --delete 0 --chmod 0 --add-bytes 0
    umount "$WORK/mnt"
}
