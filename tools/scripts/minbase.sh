#!/usr/bin/env bash
# Builds (once) and caches a Debian minimal root file system (debootstrap --variant=minbase),
# for fidelity tests and benchmarks. The cache lives outside the repository.
#
#   minbase.sh ensure        build the cached tarball if missing (idempotent, locked, atomic)
#   minbase.sh extract DIR   ensure, then extract into DIR preserving owners, modes, times, xattrs
#   minbase.sh path          print the cache path (no build)
#   minbase.sh probe         cheap check that 'ensure' can succeed (cached, or root + debootstrap
#                            or apt-get + reachable mirror); exit code as below, reason on stderr
#
# Environment:
#   KUR_MINBASE_CACHE   tarball path   (default /var/cache/kernel-update-rollback/minbase-bookworm.tar)
#   KUR_DEBIAN_MIRROR   Debian mirror  (default: the first deb.debian.org-style URI from apt sources,
#                                       else http://deb.debian.org/debian)
#   KUR_DEBIAN_SUITE    suite          (default bookworm)
#
# Exit codes: 0 ok; 2 usage; 3 Debian mirror unreachable; 4 a facility is missing (not root,
# debootstrap cannot be installed); 1 anything else.
set -euo pipefail

readonly SUITE="${KUR_DEBIAN_SUITE:-bookworm}"
readonly CACHE="${KUR_MINBASE_CACHE:-/var/cache/kernel-update-rollback/minbase-${SUITE}.tar}"
readonly TAR_OPTS=(--xattrs --xattrs-include='*' --acls --numeric-owner)

die() { local code=$1; shift; echo "minbase.sh: $*" >&2; exit "$code"; }
trap 'exit 130' INT TERM   # so the EXIT trap cleans up on interruption too
log() { echo "minbase.sh: $*" >&2; }

default_mirror() {
    local uri=""
    if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
        uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
              /etc/apt/sources.list.d/debian.sources || true)
    fi
    if [[ -z "$uri" && -r /etc/apt/sources.list ]]; then
        uri=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }
                   $1 == "deb" && $2 ~ /^\[/ && $3 ~ /\/debian\/?$/ { print $3; exit }' /etc/apt/sources.list || true)
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}
readonly MIRROR="${KUR_DEBIAN_MIRROR:-$(default_mirror)}"

require_root() {
    [[ $(id -u) -eq 0 ]] || die 4 "needs root (debootstrap, device nodes and numeric owners); skipping"
}

ensure_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    PATH="$PATH:/usr/sbin:/sbin"
    command -v debootstrap >/dev/null 2>&1 && return 0
    log "debootstrap is missing; installing it with apt-get"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2; then
        die 4 "debootstrap is missing and could not be installed (apt-get install debootstrap failed)"
    fi
}

check_mirror() {
    local url="${MIRROR%/}/dists/${SUITE}/Release"
    local ok=1
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --max-time 20 -o /dev/null "$url" && ok=0
    elif command -v wget >/dev/null 2>&1; then
        wget -q -T 20 -O /dev/null "$url" && ok=0
    else
        ok=0  # cannot probe: let debootstrap try
    fi
    [[ $ok -eq 0 ]] || die 3 "the Debian mirror is unreachable ($url); cannot build the minbase tree"
}

# Unmounts anything debootstrap left mounted under $1 (deepest first).
unmount_under() {
    local dir=$1 m
    [[ -d "$dir" ]] || return 0
    while read -r m; do
        [[ -n "$m" ]] && umount -l "$m" 2>/dev/null || true
    done < <(awk -v d="$(realpath "$dir")" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
}

build() {
    local cache_dir staging tmp_tar start end
    cache_dir=$(dirname "$CACHE")
    staging=$(mktemp -d "$cache_dir/.staging.XXXXXX")
    tmp_tar="$CACHE.tmp.$$"
    # shellcheck disable=SC2064
    trap "unmount_under '$staging'; rm -rf --one-file-system '$staging' '$tmp_tar'" EXIT
    log "building $CACHE: debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes)"
    start=$(date +%s.%N)
    if ! debootstrap --variant=minbase "$SUITE" "$staging/root" "$MIRROR" >"$staging/debootstrap.log" 2>&1; then
        tail -n 30 "$staging/debootstrap.log" >&2 || true
        if grep -qiE 'Failed getting release file|Temporary failure resolving|Could not resolve|Connection (refused|timed out)|Network is unreachable' \
                "$staging/debootstrap.log"; then
            die 3 "the Debian mirror $MIRROR became unreachable during debootstrap"
        fi
        die 1 "debootstrap failed (log above)"
    fi
    end=$(date +%s.%N)
    unmount_under "$staging/root"
    # debootstrap's downloaded .debs stay in var/cache/apt/archives, as in the tree the issue's
    # figures were measured on (~206 MB, ~6,800 entries): incompressible data, a fair test.
    rm -rf "$staging/root/debootstrap" 2>/dev/null || true
    tar "${TAR_OPTS[@]}" -C "$staging/root" -cpf "$tmp_tar" .
    sync -f "$tmp_tar" 2>/dev/null || sync
    mv -f "$tmp_tar" "$CACHE"
    sync -f "$cache_dir" 2>/dev/null || true
    local secs entries bytes
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    entries=$(find "$staging/root" | wc -l)
    bytes=$(du -sb "$staging/root" | cut -f1)
    printf 'suite=%s\nmirror=%s\ndebootstrap_seconds=%s\nentries=%s\nbytes=%s\nbuilt=%s\n' \
        "$SUITE" "$MIRROR" "$secs" "$entries" "$bytes" "$(date -u +%FT%TZ)" >"$CACHE.info"
    log "debootstrap took ${secs}s; tree: $entries entries, $bytes bytes"
    rm -rf --one-file-system "$staging"
    trap - EXIT
}

cmd_ensure() {
    require_root
    mkdir -p "$(dirname "$CACHE")"
    if [[ -s "$CACHE" ]]; then
        log "cached: $CACHE"
        return 0
    fi
    exec 9>"$CACHE.lock"
    flock 9
    if [[ -s "$CACHE" ]]; then   # another run built it while we waited
        log "cached: $CACHE"
        return 0
    fi
    ensure_debootstrap
    check_mirror
    build
    log "cached: $CACHE"
}

cmd_probe() {
    require_root
    if [[ -s "$CACHE" ]]; then
        log "cached: $CACHE"
        return 0
    fi
    PATH="$PATH:/usr/sbin:/sbin"
    if ! command -v debootstrap >/dev/null 2>&1 && ! command -v apt-get >/dev/null 2>&1; then
        die 4 "debootstrap is missing (apt-get install debootstrap) and the minbase cache $CACHE does not exist"
    fi
    check_mirror
    log "not cached yet, but can be built from $MIRROR"
}

cmd_extract() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die 2 "usage: minbase.sh extract DIR"
    cmd_ensure
    mkdir -p "$dir"
    # Shared lock: never read a tarball a concurrent 'ensure' is replacing.
    exec 9>"$CACHE.lock"
    flock -s 9
    tar "${TAR_OPTS[@]}" --same-owner -xpf "$CACHE" -C "$dir"
    log "extracted into $dir"
}

case "${1:-}" in
    ensure)  cmd_ensure; echo "$CACHE" ;;
    extract) shift; cmd_extract "$@"; echo "$CACHE" ;;
    path)    echo "$CACHE" ;;
    probe)   cmd_probe ;;
    *)       die 2 "usage: minbase.sh ensure | extract DIR | path | probe" ;;
esac
