#!/usr/bin/env bash
# The README's test command. Installs what the tests need on a fresh Debian machine (as root), runs the
# whole suite, and ends with one line "N passed, N failed, N skipped" taken from the test results.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

need=()
command -v bsdtar >/dev/null || need+=(libarchive-tools)
command -v getfattr >/dev/null || need+=(attr)
command -v setfacl >/dev/null || need+=(acl)
command -v setcap >/dev/null || need+=(libcap2-bin)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v mkfs.btrfs >/dev/null || need+=(btrfs-progs)
command -v zstd >/dev/null || need+=(zstd)
command -v losetup >/dev/null || need+=(mount)
command -v gcc >/dev/null || need+=(gcc libc6-dev linux-libc-dev)   # the header-layout check
[ -x /usr/bin/python3 ] || need+=(python3-minimal)   # the control API client run as another user
ldconfig -p 2>/dev/null | grep -q 'libzstd.so.1 ' || need+=(libzstd1)   # the store's compressor
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${need[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test.sh: missing ${need[*]}; the tests that need them will skip" >&2
  fi
fi

# The minimal Debian tree for the fidelity test is built once and cached outside the repo.
if [ "$(id -u)" = 0 ]; then
  bash tools/scripts/minbase.sh ensure >&2 || echo "test.sh: no minbase tree (see above); the fidelity test will skip" >&2
fi

export SNAPSHOOTER_STRICT_MODE=${SNAPSHOOTER_STRICT_MODE:-true}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
set +e
dotnet test Rollback.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
set -e

trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -z "$trx" ]; then
  echo "test.sh: no test results were written (build failed?)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
counters=$(grep -o '<Counters [^>]*>' "$trx")
get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
passed=$(get passed); failed=$(get failed); total=$(get total); executed=$(get executed)
skipped=$((total - executed))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
