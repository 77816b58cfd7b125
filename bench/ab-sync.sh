#!/bin/sh
# Used for the before/after comparison of bucket format 2 in docs/benchmarks.md: run it alternately with the
# jar built before and after a change (same repository, same S3 server), timing each whole run with /usr/bin/time.
# ab-sync.sh JAR NAME REPO [fresh]: one `segvault sync` of REPO; with "fresh", into a new prefix and state dir.
# BENCH_AB_JAVA_OPTS replaces the JVM options (default -Xmx256m -XX:+UseSerialGC), e.g. to add a class-data archive.
jar=$1; name=$2; repo=$3
if [ "$4" = fresh ]; then tag=$name-$(date +%s%N); state=$(mktemp -d ${BENCH_AB_DIR:-/tmp/bench}/state-XXXXXX); else tag=$name; state=${BENCH_AB_DIR:-/tmp/bench}/state-$name; fi
cfg=$(mktemp ${BENCH_AB_DIR:-/tmp/bench}/cfg-XXXXXX.yaml)
cat > "$cfg" <<Y
bucket: ${BENCH_AB_BUCKET:-bench-hw}
endpoint: ${SEGVAULT_TEST_S3_ENDPOINT:-http://127.0.0.1:7480}
region: us-east-1
pathStyle: true
prefix: $tag/
state: $state
repos:
  - {name: r, path: $repo}
retention: {duration: 1d, generation: 1d}
Y
# shellcheck disable=SC2086 # the options are split on blanks
java ${BENCH_AB_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC} -jar "$jar" sync --config "$cfg" >/dev/null 2>&1
rc=$?
rm -f "$cfg"; [ "$4" = fresh ] && rm -rf "$state"
exit $rc
