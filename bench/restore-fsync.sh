#!/bin/sh
# What the fsync of a restore costs (docs/benchmarks.md, "Restore durability"): replicates REPO once into a new
# prefix of BUCKET, then restores it RUNS times with fsync (the default) and RUNS times without
# (-Dsegvault.restore.fsync=false, a switch that exists only for this measurement), alternating, into new
# directories under $BENCH_RESTORE_DIR (default /tmp/bench-restore; the file system the timing is about).
# Prints one line per run and the medians. Not run by CI.
#
#   bench/restore-fsync.sh REPO BUCKET [RUNS]
#
# BUCKET must exist with Object Lock (bench/lib.sh new_bucket makes one); the S3 settings come from the
# environment as for the tests: eval "$(scripts/s3-server.sh env)".
set -eu
repo=$1; bucket=$2; runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
launcher=$here/../bin/segvault
dir=${BENCH_RESTORE_DIR:-/tmp/bench-restore}
mkdir -p "$dir"
tag=fsync-$(date +%s%N)
cfg=$dir/$tag.yaml
cat >"$cfg" <<Y
bucket: $bucket
endpoint: ${SEGVAULT_TEST_S3_ENDPOINT:-http://127.0.0.1:7480}
region: us-east-1
pathStyle: true
prefix: $tag/
state: $dir/$tag-state
repos:
  - {name: r, path: $repo}
retention: {duration: 1d, generation: 1d}
metrics: {address: ""}
Y
"$launcher" sync --config "$cfg" --quiet >/dev/null
opts="-Xmx256m -XX:+UseSerialGC -XX:Tier4InvocationThreshold=15000 -XX:Tier4CompileThreshold=20000"
results=$dir/$tag.tsv
i=1
while [ "$i" -le "$runs" ]; do
    for mode in fsync nofsync; do
        extra=
        [ "$mode" = fsync ] || extra=-Dsegvault.restore.fsync=false
        target=$dir/$tag-$mode-$i
        sync # start each run with no dirty pages of the previous one
        start=$(date +%s%N)
        SEGVAULT_JAVA_OPTS="$opts $extra" "$launcher" restore --config "$cfg" --repo r --target "$target" --quiet >/dev/null
        end=$(date +%s%N)
        secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", (b - a) / 1e9}')
        printf '%s\t%s\t%s\n' "$mode" "$i" "$secs" | tee -a "$results"
        rm -rf "$target"
    done
    i=$((i + 1))
done
for mode in fsync nofsync; do
    awk -F'\t' -v m="$mode" '$1 == m {print $3}' "$results" | sort -g \
        | awk -v m="$mode" '{v[NR] = $1} END {printf "median %s: %s s (%d runs)\n", m, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), NR}'
done
rm -rf "$cfg" "$dir/$tag-state"
