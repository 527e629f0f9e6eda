#!/usr/bin/env bash
# The linux-arm64 build, proven under emulation: installs the cross toolchain and the arm64 run-time libraries
# (apt, as root), publishes rollbackctl with NativeAOT for linux-arm64 (any build warning fails), and runs the arm64
# binary under qemu-user on a small device: snapshot, list, verify, diff, rollback and restore of a tree and of an
# image-file block component, then a damaged store. Exit 0 only if every step did what it should.
# Usage: bash tools/scripts/arm64-smoke.sh [--no-install] [--out DIR]   (default DIR /tmp/aot-arm64)
#
# Run the binary with plain `qemu-aarch64 BINARY`: the arm64 multiarch libc6, libzstd1 and libssl3 (.NET's SHA-256)
# are found by the arm64 loader itself. `-L /usr/aarch64-linux-gnu` with LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu
# pairs the cross toolchain's ld.so with the multiarch libc.so.6, two builds of glibc that must never be mixed: the
# process then spins forever in pthread_create before Main.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=/tmp/aot-arm64
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0 ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--no-install] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done

trap 'printf "FAIL: line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf '   ok: %s\n' "$*"; }

if [ "$install" = 1 ]; then
  step "toolchain and arm64 libraries (apt)"
  [ "$(id -u)" = 0 ] || fail "installing needs root (or pass --no-install)"
  dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64; apt-get update -qq; }
  need=()
  for p in clang lld llvm gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libc6:arm64 libzstd1:arm64 libssl3:arm64; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "   installing: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
  fi
  pass "clang, lld, llvm-objcopy, the aarch64 cross libc, qemu-user, libc6/libzstd1/libssl3 for arm64"
fi

step "NativeAOT publish for linux-arm64 (clang + lld cross-link; a few minutes)"
log=$(mktemp)
if ! dotnet publish "$repo/tools/rollbackctl" -c Release -r linux-arm64 -p:CppCompilerAndLinker=clang -p:LinkerFlavor=lld -o "$out" >"$log" 2>&1; then
  cat "$log" >&2; fail "the publish failed"
fi
if grep -qiE ': warning [A-Z]+[0-9]+' "$log"; then grep -iE ': warning [A-Z]+[0-9]+' "$log" >&2; fail "the publish has warnings"; fi
rm -f "$log"
bin="$out/rollbackctl"
file "$bin" | grep -q 'ARM aarch64' || fail "$bin is not an aarch64 executable: $(file "$bin")"
size=$(stat -c %s "$bin")
pass "$bin: aarch64 ELF, $size bytes ($(awk "BEGIN { printf \"%.1f\", $size / 1000000 }") MB), no warnings"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dev="$work/device"
mkdir -p "$dev/etc/app/conf.d" "$dev/boot"
echo "port=8080" > "$dev/etc/app/app.conf"
echo "level=info" > "$dev/etc/app/conf.d/log.conf"
ln -s app.conf "$dev/etc/app/current"
chmod 0640 "$dev/etc/app/app.conf"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$dev/boot/kernel.img"
cat > "$work/rollback.json" <<JSON
{ "root": "$dev", "store": "$work/store", "components": [
  { "name": "kernel", "category": "KernelCore", "block": "boot/kernel.img" },
  { "name": "config", "category": "Configuration", "path": "etc", "dependsOn": ["kernel"] } ] }
JSON
run() { qemu-aarch64 "$bin" --config "$work/rollback.json" "$@"; }
# Every name, type, mode, link target and content hash of the device: equal fingerprints, equal devices.
fingerprint() { (cd "$dev" && find . -printf '%p %y %m %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }

step "under qemu-aarch64: $(qemu-aarch64 --version | head -1)"
run --help | grep -q '^rollbackctl - ' || fail "--help"
pass "--help"
id=$(run snapshot --name before --json | sed -n 's/^  "id": "\([0-9a-f]*\)",$/\1/p')
[ -n "$id" ] || fail "snapshot --json printed no id"
pass "snapshot: recovery point $id (a tree and a 4 MiB image file)"
before=$(fingerprint)
run list | grep -q "^$id " || fail "list does not show $id"
pass "list"
run verify "$id" >/dev/null || fail "verify of a clean store"
pass "verify"

echo "port=9090" > "$dev/etc/app/app.conf"
rm "$dev/etc/app/conf.d/log.conf"
echo new > "$dev/etc/app/added.conf"
printf 'broken' | dd of="$dev/boot/kernel.img" bs=1 seek=1048576 conv=notrunc status=none
diff_out=$(run diff "$id")
echo "$diff_out" | sed 's/^/   | /'
echo "$diff_out" | grep -q 'modified  app/app.conf' || fail "diff missed the edited file"
echo "$diff_out" | grep -q 'removed   app/conf.d/log.conf' || fail "diff missed the removed file"
echo "$diff_out" | grep -q 'added     app/added.conf' || fail "diff missed the new file"
echo "$diff_out" | grep -q '1 of 64 chunks differ' || fail "diff missed the changed chunk of the image"
pass "diff: the edited, removed and new files and the changed chunk of the image"

run rollback "$id" --yes >/dev/null || fail "rollback"
[ "$(fingerprint)" = "$before" ] || { diff <(echo "$before") <(fingerprint) >&2 || true; fail "the device differs from the recovery point after the rollback"; }
run diff "$id" | grep -q 'unchanged since' || fail "diff after the rollback"
pass "rollback: the tree and the image are back byte for byte (names, modes, symlink, contents)"

run restore "$id" --to "$work/copy" >/dev/null || fail "restore"
cmp "$work/copy/boot/kernel.img" "$dev/boot/kernel.img" || fail "restored image differs"
diff -r --no-dereference "$work/copy/etc" "$dev/etc" || fail "restored tree differs"
pass "restore --to: an exact copy"

pack=$(ls "$work"/store/packs/*.pack | head -1)
printf 'X' | dd of="$pack" bs=1 seek=200 conv=notrunc status=none
set +e; run verify >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 3 ] || fail "verify of a damaged store exited $rc, not 3"
pass "verify of a damaged store: exit 3"

printf '\nPASS: rollbackctl for linux-arm64 (%s bytes) works under qemu-aarch64\n' "$size"
