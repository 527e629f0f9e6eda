#!/usr/bin/env bash
# Side-by-side figures for acceptance item 4 of issue 2: rollbackctl snapshot against peers
# (tar | zstd, borg, restic; casync for information) on the same data, in the same run.
#
# usage: tools/bench/snapshot-vs-peers.sh [--out FILE.md] [--runs N] [--work DIR] [--keep]
#                                        [--enrich] [--publish] [--no-peers] [--no-rollbackctl]
#
#   --out FILE     also write the tables as markdown to FILE
#   --runs N       runs per short operation; the best time is kept, with the highest peak RSS (3)
#   --work DIR     work directory (default: a new one under /var/tmp; removed at the end)
#   --keep         keep the work directory
#   --enrich       add tools/scripts/enrich-tree.sh's entries to the minbase tree
#   --publish      publish rollbackctl NativeAOT (dotnet publish -r linux-x64) and use that
#   --no-peers / --no-rollbackctl   leave one side out
#
# Environment:
#   ROLLBACKCTL    the CLI to measure: a native executable, or a .dll run with `dotnet`.
#                  Default: tools/rollbackctl/bin/Release/net10.0/linux-x64/publish/rollbackctl
#                  (NativeAOT) if present, else tools/rollbackctl/bin/Release/net10.0/rollbackctl.dll.
#   KUR_MINBASE_CACHE  see tools/scripts/minbase.sh
#
# Each operation is timed with /usr/bin/time (peak RSS, KiB) and date +%N (wall seconds).
# The data: the Debian minbase tree (tools/scripts/minbase.sh), extracted fresh, page cache warm.
# The CLI is driven through its DESIGN.md contract only: a config {root, store, components} and
# `rollbackctl --config C snapshot --name N --json` printing a JSON object with "id".
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
CMDLINE="tools/bench/snapshot-vs-peers.sh $*"

OUT="" RUNS=3 WORK="" KEEP=0 ENRICH=0 PUBLISH=0 PEERS=1 OURS=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT=$(realpath -m "$2"); shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --work) WORK=$(realpath -m "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        --enrich) ENRICH=1; shift ;;
        --publish) PUBLISH=1; shift ;;
        --no-peers) PEERS=0; shift ;;
        --no-rollbackctl) OURS=0; shift ;;
        -h|--help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "snapshot-vs-peers.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "snapshot-vs-peers.sh: --runs needs a positive number" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "snapshot-vs-peers.sh: needs root (the minbase tree has root-owned files and device nodes)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "snapshot-vs-peers.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
command -v zstd >/dev/null || { echo "snapshot-vs-peers.sh: zstd is missing (apt-get install zstd)" >&2; exit 2; }
PY=/usr/bin/python3; [[ -x $PY ]] || PY=python3

if [[ -z "$WORK" ]]; then
    WORK=$(mktemp -d /var/tmp/kur-bench.XXXXXX)
else
    mkdir -p "$WORK"
fi
LOG="$WORK/bench.log"
: >"$LOG"
cleanup() {
    local rc=$?
    cd /
    if [[ $KEEP -eq 1 ]]; then
        echo "work directory kept: $WORK (log: $LOG)" >&2
    else
        rm -rf --one-file-system "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$WORK"

say() { printf '%s\n' "$*" >&2; }
note() { NOTES+=("$*"); say "note: $*"; }
NOTES=()

# ---------------------------------------------------------------- measurement
# measure OUTFILE CMD...  → M_SECS (wall), M_RSS (peak RSS KiB). stdout → OUTFILE, stderr → log.
measure() {
    local out=$1; shift
    local tf="$WORK/.time" t0 t1 rc=0
    echo "+ $*" >>"$LOG"
    t0=$(date +%s%N)
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$out" 2>>"$LOG" || rc=$?
    t1=$(date +%s%N)
    M_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    M_RSS=$(tail -n 1 "$tf" | awk '{ print $2 }')
    return $rc
}

# best_of KEY SETUP_FN CMD... : runs SETUP_FN then CMD, RUNS times; keeps the least wall time
# and the highest peak RSS in S_SECS[KEY], S_RSS[KEY]. Returns non-zero if a run failed.
declare -A S_SECS S_RSS S_SIZE
best_of() {
    local key=$1 setup=$2; shift 2
    local i best="" rss=0
    for ((i = 1; i <= RUNS; i++)); do
        "$setup" "$i"
        if ! measure "$WORK/.out" "$@"; then
            say "FAILED: $* (see $LOG)"; tail -n 5 "$LOG" >&2
            return 1
        fi
        if [[ -z "$best" ]] || awk -v a="$M_SECS" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$M_SECS; fi
        (( M_RSS > rss )) && rss=$M_RSS
        say "  $key run $i: ${M_SECS}s, $((M_RSS / 1024)) MiB"
    done
    S_SECS[$key]=$best
    S_RSS[$key]=$rss
}
nothing() { :; }
bytes() { du -sb "$@" | awk '{ s += $1 } END { print s }'; }

# ---------------------------------------------------------------- data
DATA_PARENT="$WORK/data"
DATA="$DATA_PARENT/rootfs"
say "extracting the minbase tree into $DATA"
mkdir -p "$DATA_PARENT"
"$REPO/tools/scripts/minbase.sh" extract "$DATA" >>"$LOG" 2>&1 || {
    rc=$?; tail -n 5 "$LOG" >&2
    [[ $rc -eq 3 ]] && { say "the Debian mirror is unreachable: no minbase tree, no figures"; exit 3; }
    exit $rc
}
[[ $ENRICH -eq 1 ]] && "$REPO/tools/scripts/enrich-tree.sh" "$DATA" >>"$LOG" 2>&1
DATA_BYTES=$(bytes "$DATA")
DATA_ENTRIES=$(find "$DATA" | wc -l)
warm() { tar -cf - -C "$DATA" . 2>/dev/null | cat >/dev/null; }  # not -f /dev/null: GNU tar skips reading then
warm; warm
say "data: $DATA_ENTRIES entries, $DATA_BYTES bytes; $(nproc) cores"

declare -a ROWS=()
row() { ROWS+=("$1|$2|$3|$4|$5|$6"); }  # operation|tool|seconds|peak RSS KiB|size bytes|note

have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- peers
if [[ $PEERS -eq 1 ]]; then
    say "tar | zstd -3 -T0"
    TARZST="$WORK/out.tar.zst"
    if best_of tarzst nothing bash -c 'set -o pipefail; tar -cf - -C "$1" . | zstd -q -3 -T0 -f -o "$2"' tar "$DATA" "$TARZST"; then
        S_SIZE[tarzst]=$(stat -c %s "$TARZST")
        row "archive" "tar -cf - . \| zstd -3 -T0" "${S_SECS[tarzst]}" "${S_RSS[tarzst]}" "${S_SIZE[tarzst]}" "best of $RUNS"
    fi
    rm -f "$TARZST"

    if have borg; then
        say "borg $(borg --version | awk '{ print $2 }')"
        export BORG_BASE_DIR="$WORK/borg-base" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes \
               BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_DISPLAY_PASSPHRASE=no
        BORG_REPO_DIR="$WORK/borg-repo"
        borg_fresh() { rm -rf "$BORG_REPO_DIR" "$BORG_BASE_DIR"; borg init -e none "$BORG_REPO_DIR" >>"$LOG" 2>&1; }
        if best_of borg1 borg_fresh bash -c 'cd "$1" && exec borg create "$2::first" .' borg "$DATA" "$BORG_REPO_DIR"; then
            S_SIZE[borg1]=$(bytes "$BORG_REPO_DIR")
            row "first backup" "borg create (-e none, lz4)" "${S_SECS[borg1]}" "${S_RSS[borg1]}" "${S_SIZE[borg1]}" "best of $RUNS, fresh repo each"
            if best_of borg2 nothing bash -c 'cd "$1" && exec borg create "$2::again-$(date +%s%N)" .' borg "$DATA" "$BORG_REPO_DIR"; then
                row "re-backup, nothing changed" "borg create" "${S_SECS[borg2]}" "${S_RSS[borg2]}" "" "best of $RUNS"
            fi
        fi
    else
        note "borg is not installed (apt-get install borgbackup): its rows are left out"
    fi

    if have restic; then
        say "restic $(restic version | awk '{ print $2 }')"
        export RESTIC_CACHE_DIR="$WORK/restic-cache"
        RESTIC_REPO_DIR="$WORK/restic-repo"
        RESTIC_ARGS=(-r "$RESTIC_REPO_DIR")
        if restic init --help 2>/dev/null | grep -q -- '--insecure-no-password'; then
            RESTIC_ARGS+=(--insecure-no-password); unset RESTIC_PASSWORD
        else
            export RESTIC_PASSWORD=kur-bench-password
        fi
        restic_fresh() { rm -rf "$RESTIC_REPO_DIR" "$RESTIC_CACHE_DIR"; restic "${RESTIC_ARGS[@]}" init >>"$LOG" 2>&1; }
        RESTIC_BACKUP=(bash -c 'cd "$1" && shift && exec restic "$@" backup --quiet .' restic "$DATA" "${RESTIC_ARGS[@]}")
        if best_of restic1 restic_fresh "${RESTIC_BACKUP[@]}"; then
            S_SIZE[restic1]=$(bytes "$RESTIC_REPO_DIR")
            row "first backup" "restic backup" "${S_SECS[restic1]}" "${S_RSS[restic1]}" "${S_SIZE[restic1]}" "best of $RUNS, fresh repo each"
            if best_of restic2 nothing "${RESTIC_BACKUP[@]}"; then
                row "re-backup, nothing changed" "restic backup" "${S_SECS[restic2]}" "${S_RSS[restic2]}" "" "best of $RUNS"
            fi
        fi
    else
        note "restic is not installed (apt-get install restic): its rows are left out"
    fi

    if have casync; then
        say "casync"
        CASYNC_STORE="$WORK/casync.castr" CASYNC_IDX="$WORK/casync.caidx"
        casync_fresh() { rm -rf "$CASYNC_STORE" "$CASYNC_IDX"; }
        # casync cannot archive sockets; --without=... would change what it stores, so exclude none
        # and accept that an --enrich tree's socket makes it fail (noted).
        if best_of casync1 casync_fresh casync make --store="$CASYNC_STORE" "$CASYNC_IDX" "$DATA"; then
            S_SIZE[casync1]=$(bytes "$CASYNC_STORE" "$CASYNC_IDX")
            row "first backup" "casync make" "${S_SECS[casync1]}" "${S_RSS[casync1]}" "${S_SIZE[casync1]}" "for information"
        else
            note "casync make failed (see the log); left out"
        fi
        rm -rf "$CASYNC_STORE" "$CASYNC_IDX"
    fi
fi

# ---------------------------------------------------------------- rollbackctl
RBC=()
if [[ $OURS -eq 1 ]]; then
    AOT_DIR="$REPO/tools/rollbackctl/bin/Release/net10.0/linux-x64/publish"
    DLL="$REPO/tools/rollbackctl/bin/Release/net10.0/rollbackctl.dll"
    if [[ -n "${ROLLBACKCTL:-}" ]]; then
        if [[ "$ROLLBACKCTL" == *.dll ]]; then RBC=(dotnet "$ROLLBACKCTL"); else RBC=("$ROLLBACKCTL"); fi
    elif [[ $PUBLISH -eq 1 ]]; then
        say "publishing rollbackctl NativeAOT"
        if dotnet publish "$REPO/tools/rollbackctl/rollbackctl.csproj" -c Release -r linux-x64 -o "$WORK/rollbackctl-aot" >>"$LOG" 2>&1; then
            RBC=("$WORK/rollbackctl-aot/rollbackctl")
        else
            note "dotnet publish of rollbackctl failed (see the log); rollbackctl rows left out"
        fi
    elif [[ -x "$AOT_DIR/rollbackctl" ]]; then
        RBC=("$AOT_DIR/rollbackctl")
    else
        if [[ -f "$DLL" ]]; then
            RBC=(dotnet "$DLL")
        else
            note "no rollbackctl found: build it (dotnet build -c Release tools/rollbackctl), use --publish, or set ROLLBACKCTL"
        fi
    fi
fi

RBC_STORE="$WORK/rollback-store"
RBC_CONFIG="$WORK/rollback.json"
rbc_id() {  # the "id" of the JSON object in $1, or fail
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"])' "$1" 2>>"$LOG"
}
if [[ ${#RBC[@]} -gt 0 ]]; then
    say "rollbackctl: ${RBC[*]}"
    # The root is the tree's parent, the component the whole tree (category Other).
    cat >"$RBC_CONFIG" <<JSON
{
  "root": "$DATA_PARENT",
  "store": "$RBC_STORE",
  "components": [
    { "name": "rootfs", "category": "Other", "path": "rootfs" }
  ]
}
JSON
    rbc_fresh() { rm -rf "$RBC_STORE"; }
    RBC_OK=1
    if best_of ours1 rbc_fresh "${RBC[@]}" --config "$RBC_CONFIG" snapshot --name bench-first --json \
            && rbc_id "$WORK/.out" >/dev/null; then
        S_SIZE[ours1]=$(bytes "$RBC_STORE")
        row "first recovery point" "rollbackctl snapshot" "${S_SECS[ours1]}" "${S_RSS[ours1]}" "${S_SIZE[ours1]}" "best of $RUNS, fresh store each"
        if best_of ours2 nothing "${RBC[@]}" --config "$RBC_CONFIG" snapshot --name bench-again --json \
                && rbc_id "$WORK/.out" >/dev/null; then
            row "re-snapshot, nothing changed" "rollbackctl snapshot" "${S_SECS[ours2]}" "${S_RSS[ours2]}" "" "best of $RUNS"
        else
            RBC_OK=0
        fi
    else
        RBC_OK=0
        note "rollbackctl snapshot failed or printed no JSON with \"id\" (see $LOG)"
    fi
else
    RBC_OK=0
fi

# ---------------------------------------------------------------- the 5% update
say "applying the 5% update (seeded)"
CHANGED_LIST="$WORK/changed.list"
UPDATE_JSON=$("$PY" "$SCRIPT_DIR/five-percent-update.py" "$DATA" --changed-list "$CHANGED_LIST")
echo "update: $UPDATE_JSON" >>"$LOG"
CHANGED_RAW=$( (cd "$DATA" && xargs -0r cat -- <"$CHANGED_LIST") | wc -c)
CHANGED_ZST=$( (cd "$DATA" && xargs -0r cat -- <"$CHANGED_LIST") | zstd -q -3 -T0 -c | wc -c)
upd() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$UPDATE_JSON" "$1"; }
UPDATE_DESC="$(upd edited) files edited, $(upd deleted) deleted, $(upd new_files) new ($(upd new_bytes) bytes), $(upd chmod_chown) chmod/chown; changed data $CHANGED_RAW bytes, $CHANGED_ZST with zstd -3"
say "update: $UPDATE_DESC"
warm
row "5% update: changed data" "zstd -3 of changed/new files" "" "" "$CHANGED_ZST" "$CHANGED_RAW bytes raw"

if [[ $RBC_OK -eq 1 ]]; then
    before=$(bytes "$RBC_STORE")
    if measure "$WORK/.out" "${RBC[@]}" --config "$RBC_CONFIG" snapshot --name bench-after-update --json \
            && rbc_id "$WORK/.out" >/dev/null; then
        S_SECS[ours3]=$M_SECS S_RSS[ours3]=$M_RSS
        S_SIZE[ours3]=$(( $(bytes "$RBC_STORE") - before ))
        row "snapshot after 5% update" "rollbackctl snapshot" "$M_SECS" "$M_RSS" "${S_SIZE[ours3]}" "store growth"
    else
        note "rollbackctl snapshot after the update failed (see $LOG)"
    fi
fi
if [[ $PEERS -eq 1 && -n "${S_SECS[borg2]:-}" ]]; then
    before=$(bytes "$BORG_REPO_DIR")
    if measure "$WORK/.out" bash -c 'cd "$1" && exec borg create "$2::after-update" .' borg "$DATA" "$BORG_REPO_DIR"; then
        row "backup after 5% update" "borg create" "$M_SECS" "$M_RSS" "$(( $(bytes "$BORG_REPO_DIR") - before ))" "repo growth"
    fi
fi
if [[ $PEERS -eq 1 && -n "${S_SECS[restic2]:-}" ]]; then
    before=$(bytes "$RESTIC_REPO_DIR")
    if measure "$WORK/.out" "${RESTIC_BACKUP[@]}"; then
        row "backup after 5% update" "restic backup" "$M_SECS" "$M_RSS" "$(( $(bytes "$RESTIC_REPO_DIR") - before ))" "repo growth"
    fi
fi

# ---------------------------------------------------------------- report
mib() { [[ -n "$1" ]] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || true; }
human() { [[ -n "$1" ]] && awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else if (b >= 1024) printf "%.1f KiB", b / 1024; else printf "%d B", b }' || true; }

declare -a CHECKS=()
# check NAME OURS PEER LIMIT   (ratio = ours / peer; PASS when ratio <= limit)
check() {
    local name=$1 ours=$2 peer=$3 limit=$4 unit=${5:-}
    if [[ -z "$ours" || -z "$peer" ]]; then
        CHECKS+=("$name|${ours:-n/a}|${peer:-n/a}||≤ $limit|NOT RUN"); return
    fi
    local ratio verdict
    ratio=$(awk -v a="$ours" -v b="$peer" 'BEGIN { if (b == 0) print "inf"; else printf "%.3f", a / b }')
    verdict=$(awk -v r="$ratio" -v l="$limit" 'BEGIN { print (r != "inf" && r + 0 <= l + 0) ? "PASS" : "FAIL" }')
    CHECKS+=("$name|$ours$unit|$peer$unit|$ratio|≤ $limit|$verdict")
}
check "first point vs tar|zstd -3 (time)" "${S_SECS[ours1]:-}" "${S_SECS[tarzst]:-}" 1.0 " s"
check "first point vs borg create (time)" "${S_SECS[ours1]:-}" "${S_SECS[borg1]:-}" 0.5 " s"
check "re-snapshot vs borg 2nd run (time)" "${S_SECS[ours2]:-}" "${S_SECS[borg2]:-}" 0.167 " s"
check "re-snapshot vs restic 2nd run (time)" "${S_SECS[ours2]:-}" "${S_SECS[restic2]:-}" 0.167 " s"
check "store growth vs zstd -3 of changed data" "${S_SIZE[ours3]:-}" "$CHANGED_ZST" 1.2 " B"
check "store size of first point vs tar.zst" "${S_SIZE[ours1]:-}" "${S_SIZE[tarzst]:-}" 1.0 " B"
PEAK=""
for k in ours1 ours2 ours3; do
    v=${S_RSS[$k]:-}; [[ -n "$v" ]] && { [[ -z "$PEAK" || $v -gt $PEAK ]] && PEAK=$v; }
done
check "peak RSS (all rollbackctl runs) vs 48 MiB" "$(mib "$PEAK")" 48 1.0 " MiB"

HOSTINFO="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r), $(findmnt -no FSTYPE -T "$WORK") work dir"
VERSIONS="$(tar --version | head -1); zstd $(zstd -V | grep -o 'v[0-9.]*' | head -1)"
have borg && VERSIONS+="; borg $(borg --version | awk '{ print $2 }')"
have restic && VERSIONS+="; restic $(restic version | awk '{ print $2 }')"
have casync && VERSIONS+="; casync $(casync --version 2>/dev/null | awk '{ print $2 }')"
[[ ${#RBC[@]} -gt 0 ]] && VERSIONS+="; rollbackctl: ${RBC[*]}"

render() {  # $1 = md | text
    local fmt=$1 r
    if [[ $fmt == md ]]; then
        echo "### rollbackctl snapshot vs peers"
        echo
        echo "Command: \`$CMDLINE\`  "
        echo "Data: Debian bookworm minbase$([[ $ENRICH -eq 1 ]] && echo ' + enrich-tree.sh'), $DATA_ENTRIES entries, $(human "$DATA_BYTES"); page cache warm; $HOSTINFO.  "
        echo "Tools: $VERSIONS.  "
        echo "Time: wall seconds, best of $RUNS for the repeated rows; peak RSS: the highest of those runs (/usr/bin/time %M)."
        echo
        echo "| operation | tool | seconds | peak RSS MiB | size | note |"
        echo "|---|---|---:|---:|---:|---|"
    else
        printf '\n%-30s %-34s %8s %9s %11s  %s\n' operation tool seconds "RSS MiB" size note
    fi
    for r in "${ROWS[@]}"; do
        IFS='|' read -r op tool secs rss size rnote <<<"${r//\\|/¦}"
        tool=${tool//¦/|}
        if [[ $fmt == md ]]; then
            echo "| $op | ${tool//|/\\|} | $secs | $(mib "$rss") | $(human "$size") | $rnote |"
        else
            printf '%-30s %-34s %8s %9s %11s  %s\n' "$op" "$tool" "$secs" "$(mib "$rss")" "$(human "$size")" "$rnote"
        fi
    done
    if [[ $fmt == md ]]; then
        echo
        echo "5% update: $UPDATE_DESC."
        echo
        echo "| target | ours | peer | ratio | limit | verdict |"
        echo "|---|---:|---:|---:|---:|---|"
    else
        echo
        echo "5% update: $UPDATE_DESC"
        printf '\n%-42s %14s %14s %7s %7s  %s\n' target ours peer ratio limit verdict
    fi
    for r in "${CHECKS[@]}"; do
        IFS='|' read -r name o p ratio limit verdict <<<"${r//tar|zstd/tar¦zstd}"
        name=${name//¦/|}
        if [[ $fmt == md ]]; then
            echo "| ${name//|/\\|} | $o | $p | $ratio | $limit | **$verdict** |"
        else
            printf '%-42s %14s %14s %7s %7s  %s\n' "$name" "$o" "$p" "$ratio" "$limit" "$verdict"
        fi
    done
    if [[ ${#NOTES[@]} -gt 0 ]]; then
        echo
        for r in "${NOTES[@]}"; do echo "- note: $r"; done
    fi
}

render text
if [[ -n "$OUT" ]]; then
    mkdir -p "$(dirname "$OUT")"
    render md >"$OUT"
    say "markdown written to $OUT"
fi
