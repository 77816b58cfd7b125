#!/usr/bin/env bash
# scripts/bench.sh [--quick] [--scale]: segvault against `aws s3` and `rclone` on a private local S3 server.
# Never run in CI. See bench/README.md for what it measures and docs/benchmarks.md for the results.
#
# One command: installs what is missing (Debian packages: JDK 17, borgbackup, awscli, rclone, time, Ceph),
# builds segvault.jar, starts its OWN S3 server (scripts/s3-server.sh with another state dir and other
# ports, so a server on 7480 keeps running untouched), generates the data set, runs the scenarios with
# the contenders alternating, prints medians and ratios, writes $BENCH_OUT/results.tsv and summary.md,
# regenerates the results part of docs/benchmarks.md, and stops its server (KEEP=1 keeps server and data).
#
# Scale (environment; --quick sets small values for a smoke run of a few minutes):
#   BENCH_BIG_MIB        data in the 500 MiB-segment repository (960)
#   BENCH_SMALL_MIB      data in the 8 MiB-segment repository (256)
#   BENCH_MANY_SEGMENTS  segments of the "nothing new" repository (10000)
#   BENCH_ROUNDS         runs per contender and scenario (3)
#   BENCH_COMMITS        borg creates in the latency scenario (20)
#   BENCH_DAEMON_PASSES  rescan passes of `segvault run` timed in S2 (10; one per second)
#   BENCH_MAX_UPLOAD_GIB refuse to start when the planned upload is larger (12): every object stays locked
#   BENCH_PULL           1: also run bench/pull-mode.sh (pull mode over SFTP: BENCH_SMALL_MIB, BENCH_ROUNDS, BENCH_COMMITS)
#   BENCH_SCALE_SIZES    segment counts of the scale scenario S6 (bench/scale.sh; "10000 50000"; --quick: "1000 2000")
#   BENCH_S6_DAEMON_COMMITS  commits of 100 KiB whose daemon pass S6 times at each size (10)
#   BENCH_SCALE          1: the full run also runs S6 (--scale runs S6 alone: no S1-S4, limits or pull mode, the
#                        generated part of the doc is left alone, the table goes to $BENCH_OUT/scale.md)
# Other settings: BENCH_WORK (/tmp/segvault-bench), BENCH_OUT (bench/results), BENCH_DOC (docs/benchmarks.md;
# "none" = do not touch it), BENCH_SEGVAULT_JAVA_OPTS (the launcher's default_opts), SV_CONCURRENCY,
# SV_PART_SIZE, SV_PARTS_IN_FLIGHT, SV_MULTIPART_THRESHOLD (segvault's upload settings: product defaults),
# BENCH_SKIP_BUILD=1, BENCH_RGW_DIR (/tmp/segvault-bench-rgw), BENCH_RGW_PORT (7490), BENCH_RGW_MON_PORT (13400), BENCH_METRICS_PORT (9790).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/data.sh
. bench/data.sh
# shellcheck source=bench/scenarios.sh
. bench/scenarios.sh
# shellcheck source=bench/report.sh
. bench/report.sh
# shellcheck source=bench/scale.sh
. bench/scale.sh

SCALE=full ONLY_S6=0
for arg in "$@"; do
  case $arg in
    --quick)
      SCALE=quick
      : "${BENCH_BIG_MIB:=200}" "${BENCH_SMALL_MIB:=64}" "${BENCH_MANY_SEGMENTS:=1000}" "${BENCH_ROUNDS:=1}" "${BENCH_COMMITS:=5}"
      : "${BENCH_SCALE_SIZES:=1000 2000}" ;;
    --scale) ONLY_S6=1 BENCH_PULL=0 ;;
    *) echo "usage: $0 [--quick] [--scale]" >&2; exit 2 ;;
  esac
done
SCALE_SIZES=${BENCH_SCALE_SIZES:-10000 50000}
BIG_MIB=${BENCH_BIG_MIB:-960} SMALL_MIB=${BENCH_SMALL_MIB:-256} MANY_SEGMENTS=${BENCH_MANY_SEGMENTS:-10000}
ROUNDS=${BENCH_ROUNDS:-3} COMMITS=${BENCH_COMMITS:-20} DAEMON_PASSES=${BENCH_DAEMON_PASSES:-10}
S6_DAEMON_COMMITS=${BENCH_S6_DAEMON_COMMITS:-10}
WORK=${BENCH_WORK:-/tmp/segvault-bench} OUT=${BENCH_OUT:-$ROOT/bench/results} DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
# the launcher's own default JVM options (bin/segvault), unless BENCH_SEGVAULT_JAVA_OPTS says otherwise
LAUNCHER_OPTS=$(sed -n 's/^default_opts="\(.*\)"$/\1/p' "$ROOT/bin/segvault")
[ -n "$LAUNCHER_OPTS" ] || { echo "bench: cannot read default_opts from bin/segvault" >&2; exit 2; }
read -r -a SEGVAULT_JAVA_OPTS <<<"${BENCH_SEGVAULT_JAVA_OPTS-$LAUNCHER_OPTS}"
SV_CONCURRENCY=${SV_CONCURRENCY:-4} SV_PART_SIZE=${SV_PART_SIZE:-16MiB}
SV_PARTS_IN_FLIGHT=${SV_PARTS_IN_FLIGHT:-4} SV_MULTIPART_THRESHOLD=${SV_MULTIPART_THRESHOLD:-16MiB}
RGW_DIR=${BENCH_RGW_DIR:-/tmp/segvault-bench-rgw} RGW_PORT=${BENCH_RGW_PORT:-7490} RGW_MON=${BENCH_RGW_MON_PORT:-13400}
METRICS_PORT=${BENCH_METRICS_PORT:-9790}
RUN_ID=$(date +%m%d%H%M%S)

# every object stays locked: 3 contenders x rounds x both repositories, the ceiling run, the small scenarios
PLANNED_MIB=$((3 * ROUNDS * (BIG_MIB + SMALL_MIB) + BIG_MIB + MANY_SEGMENTS / 100 + 4 + COMMITS))
[ "$ONLY_S6" = 1 ] && PLANNED_MIB=$((4 + COMMITS))
[ "${BENCH_PULL:-1}" = 1 ] && PLANNED_MIB=$((PLANNED_MIB + 2 * ROUNDS * SMALL_MIB + SMALL_MIB + 2 * COMMITS))
CAP_GIB=${BENCH_MAX_UPLOAD_GIB:-12}
[ "$PLANNED_MIB" -le $((CAP_GIB * 1024)) ] \
  || die "this scale uploads about $((PLANNED_MIB / 1024)) GiB (> BENCH_MAX_UPLOAD_GIB=$CAP_GIB): lower the scale or raise the cap"

say "installing what is missing"
need=()
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v borg >/dev/null || need+=(borgbackup)
[ -x /usr/bin/aws ] || need+=(awscli)   # Debian's awscli, whatever else is on PATH
command -v rclone >/dev/null || need+=(rclone)
[ -x /usr/bin/time ] || need+=(time)
command -v curl >/dev/null || need+=(curl)
[ "${BENCH_PULL:-1}" != 1 ] || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing: ${need[*]} (install them, or run as root)"
  note "apt-get install ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
AWS=/usr/bin/aws

JAR=$ROOT/agent/target/segvault.jar
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  say "building segvault (./mvnw package)"
  ./mvnw -B -q -DskipTests package
fi

say "starting this benchmark's own S3 server on 127.0.0.1:$RGW_PORT (state in $RGW_DIR)"
export SEGVAULT_RGW_DIR=$RGW_DIR SEGVAULT_RGW_PORT=$RGW_PORT SEGVAULT_RGW_MON_PORT=$RGW_MON
export SEGVAULT_RGW_BLOCK_BYTES=${SEGVAULT_RGW_BLOCK_BYTES:-$((32 << 30))}   # sparse; dropped with the state dir
rm -rf "$WORK"
mkdir -p "$WORK"/{logs,cfg,state,restore} "$OUT"
cleanup() {
  local rc=$?
  if [ "${KEEP:-0}" = 1 ]; then
    note "kept: $WORK and the server (SEGVAULT_RGW_DIR=$RGW_DIR SEGVAULT_RGW_PORT=$RGW_PORT scripts/s3-server.sh stop)"
  else
    scripts/s3-server.sh stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
eval "$(scripts/s3-server.sh start)"
ENDPOINT=$SEGVAULT_TEST_S3_ENDPOINT

# client settings, all stated in the doc
unset AWS_CA_BUNDLE AWS_PROFILE   # plain-HTTP endpoint; rclone refuses a CA bundle it cannot apply
export AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=$WORK/aws-config
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
cat >"$AWS_CONFIG_FILE" <<'CFG'
[default]
region = us-east-1
s3 =
  max_concurrent_requests = 10
  multipart_threshold = 8MB
  multipart_chunksize = 8MB
CFG
sed 's/max_concurrent_requests = 10/max_concurrent_requests = 16/; s/= 8MB/= 64MB/' "$AWS_CONFIG_FILE" >"$WORK/aws-config-max"
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Ceph \
  RCLONE_CONFIG_BENCH_ENDPOINT=$ENDPOINT RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
# segvault as users run it: the launcher, with its class-data-sharing archive (the product default) kept in this
# run's own cache directory; cds_warmup records the archives before anything is timed
SV=(env SEGVAULT_JAR="$JAR" SEGVAULT_CDS_DIR="$WORK/cds" "$ROOT/bin/segvault")
# options given: exactly those; else the launcher's own (default_opts, plus what it adds for the Java it picks)
[ -z "${BENCH_SEGVAULT_JAVA_OPTS+set}" ] || SV=(env SEGVAULT_JAR="$JAR" SEGVAULT_JAVA_OPTS="${SEGVAULT_JAVA_OPTS[*]}" \
  SEGVAULT_CDS_DIR="$WORK/cds" "$ROOT/bin/segvault")
AWS_CP=("$AWS" --endpoint-url "$ENDPOINT" s3 cp --recursive --only-show-errors --no-progress)
RCLONE_COMMON=(--s3-no-check-bucket)
RCLONE=(rclone copy --transfers 4 --s3-upload-concurrency 4 --s3-chunk-size 16M "${RCLONE_COMMON[@]}")
# the fastest client seen here (aws with 64 MB parts, 16 requests at once; rclone at its fastest settings was slower)
AWS_MAX=(env AWS_CONFIG_FILE="$WORK/aws-config-max" "${AWS_CP[@]}")

RESULTS=$WORK/results.tsv
: >"$RESULTS"
: >"$WORK/notes"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
note "scale $SCALE: big $BIG_MIB MiB, small $SMALL_MIB MiB, $MANY_SEGMENTS segments, $ROUNDS rounds, $COMMITS commits;" \
  "about $PLANNED_MIB MiB uploaded"

if [ "$ONLY_S6" = 1 ]; then
  export BORG_BASE_DIR=$WORK/borg-home BORG_PASSPHRASE=segvault-bench BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
  REPO_LAT=$WORK/repos/lat
  mkdir -p "$WORK/repos" "$WORK/src"
  gen_tree "$WORK/src/lat" 3 4
  borg_repo "$REPO_LAT" 8M
  borg_archive "$REPO_LAT" first "$WORK/src/lat"
  cds_warmup
  scenario6
  scale_report | tee "$OUT/scale.md"
  note "raw rows: $RESULTS (copied to $OUT/scale-results.tsv); took $((SECONDS / 60)) min $((SECONDS % 60)) s"
  cp "$RESULTS" "$OUT/scale-results.tsv"
  exit 0
fi
make_data
MANY_BYTES=$(tree_bytes "$REPO_MANY")
cds_warmup
scenario1
scenario4
scenario2
scenario3
limits
if [ "${BENCH_SCALE:-0}" = 1 ]; then
  scenario6
  scale_report >"$OUT/scale.md"
fi
# pull mode (sftp:// through a real sshd on loopback) against local mode, and its commit-to-offsite latency, on this
# benchmark's server; BENCH_PULL=0 leaves it out. Its lines go to $OUT/pull-mode.txt (docs/benchmarks.md, "Pull mode").
if [ "${BENCH_PULL:-1}" = 1 ]; then
  say "pull mode: bench/pull-mode.sh"
  PULL_BENCH_JAR=$JAR PULL_BENCH_MIB=$SMALL_MIB PULL_BENCH_ROUNDS=$ROUNDS PULL_BENCH_COMMITS=$COMMITS \
    bench/pull-mode.sh | tee "$OUT/pull-mode.txt" || note "WARNING: bench/pull-mode.sh failed"
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg) ELAPSED=$SECONDS   # all of it: install, build, server, data, runs
scripts/s3-server.sh status || note "WARNING: this benchmark's server stopped answering"
if SEGVAULT_RGW_DIR=/tmp/segvault-rgw SEGVAULT_RGW_PORT=7480 scripts/s3-server.sh status 2>/dev/null; then
  note "the server on port 7480 (not this benchmark's) still answers"
fi

say "results"
{ printf 'scenario\tcase\tcontender\tround\tseconds\tbytes\tmib_s\trss_mib\tclient_cpu_s\tserver_cpu_s\trequests\trc\n'; cat "$RESULTS"; } \
  >"$OUT/results.tsv"
report >"$OUT/summary.md"
cat "$OUT/summary.md"
[ "$DOC" = none ] || update_doc "$DOC" "$OUT/summary.md"
note "raw rows: $OUT/results.tsv; summary: $OUT/summary.md${DOC:+; doc: $DOC}; took $((ELAPSED / 60)) min $((ELAPSED % 60)) s"
