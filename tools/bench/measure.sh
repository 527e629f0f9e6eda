# Shared by the side-by-side benchmark scripts (sourced, not run): timing one command the same way for every tool.
# Needs $WORK, a scratch directory.

# The smallest of the numbers on stdin (best of N: the run least disturbed by a shared, noisy machine).
best() { sort -n | head -n1; }

# The median of the numbers on stdin (the middle one, or the mean of the middle two).
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs the command after a sync (so earlier writeback does not bill it) and prints "seconds peak_rss_kib".
measure() {
    local start end
    sync
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$WORK/rss" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) $(cat "$WORK/rss")"
}
