#!/bin/sh
# bench/runtime-ab.sh NAME ACTION: one run of segvault through a launcher, for the comparison of runtimes in
# docs/benchmarks.md ("Runtime: Java 17 + CDS against Java 25 + AOT cache"); time it from outside, alternating two
# NAMEs (each NAME has its own archive directory, prefix and state). Its output goes to $RT_DIR/NAME-ACTION.log.
#   fresh-sync  `sync` of RT_REPO into a new prefix with a new state directory (everything is uploaded)
#   resync      `sync` of RT_REPO into prefix NAME/ with state directory NAME (nothing new after its first run)
#   restore     `restore` of prefix NAME/ (resync first) into a new directory, removed afterwards
#   help        `--help` (the JVM's start and the command line parser)
# Environment: RT_LAUNCHER (default: bin/segvault of this checkout), RT_REPO (a Borg repository), RT_BUCKET (a bucket
# with Object Lock), RT_DIR (default /tmp/bench-runtime), SEGVAULT_TEST_S3_ENDPOINT and the AWS_* credentials
# (eval "$(scripts/s3-server.sh env)"); the launcher's own variables (SEGVAULT_JAVA, SEGVAULT_JAR, ...) pass through.
set -eu
name=$1 action=$2
here=$(cd "$(dirname "$0")" && pwd)
launcher=${RT_LAUNCHER:-$here/../bin/segvault}
work=${RT_DIR:-/tmp/bench-runtime}
mkdir -p "$work"
export SEGVAULT_CDS_DIR="$work/cds-$name"
log=$work/$name-$action.log
case $action in
    help) exec "$launcher" --help >"$log" 2>&1 ;;
    fresh-sync) prefix=$name-$(date +%s%N) state=$(mktemp -d "$work/state-XXXXXX") ;;
    resync | restore) prefix=$name state=$work/state-$name ;;
    *) echo "unknown action $action" >&2; exit 2 ;;
esac
cfg=$(mktemp "$work/cfg-XXXXXX.yaml")
cat >"$cfg" <<YAML
bucket: ${RT_BUCKET:?set RT_BUCKET to a bucket with Object Lock}
endpoint: ${SEGVAULT_TEST_S3_ENDPOINT:?eval "\$(scripts/s3-server.sh env)" first}
region: us-east-1
pathStyle: true
prefix: $prefix/
state: $state
repos:
  - {name: r, path: ${RT_REPO:?set RT_REPO to a Borg repository}}
retention: {duration: 1d, generation: 1d}
YAML
rc=0
if [ "$action" = restore ]; then
    target=$(mktemp -d "$work/restore-XXXXXX")
    "$launcher" restore --config "$cfg" --repo r --target "$target/r" --quiet >"$log" 2>&1 || rc=$?
    rm -rf "$target"
else
    "$launcher" sync --config "$cfg" >"$log" 2>&1 || rc=$?
fi
rm -f "$cfg"
[ "$action" != fresh-sync ] || rm -rf "$state"
exit "$rc"
