#!/bin/sh
# The restore half of bench/ab-sync.sh (docs/benchmarks.md, "Fixed costs of sync and restore"): one `segvault restore`
# of repository NAME by JAR, with the S3 settings and prefix of CONFIG (the config a sync of that repository used), into
# a new directory under ${BENCH_AB_DIR:-/tmp/bench}, removed afterwards. Run it alternately with the jar before and
# after a change, timing each whole run from outside (e.g. /usr/bin/time -v). BENCH_AB_JAVA_OPTS replaces the JVM
# options (default -Xmx256m -XX:+UseSerialGC). Not run by CI.
# ab-restore.sh JAR CONFIG NAME
jar=$1; cfg=$2; name=$3
target=$(mktemp -d "${BENCH_AB_DIR:-/tmp/bench}/restore-XXXXXX")
rmdir "$target"
# shellcheck disable=SC2086 # the options are split on blanks
java ${BENCH_AB_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC} -jar "$jar" restore --config "$cfg" --repo "$name" --target "$target" \
    --quiet >/dev/null 2>&1
rc=$?
rm -rf "$target" "$target.segvault-partial"
exit $rc
