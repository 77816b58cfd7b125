#!/usr/bin/env bash
# scripts/try-it.sh: the whole product on one machine, in about three minutes.
#
# Installs what is missing (JDK 17, borgbackup, awscli, Ceph; apt-get, as root), builds segvault, starts
# a local S3 server with Object Lock (scripts/s3-server.sh), creates a locked bucket, makes a Borg
# repository with two archives, replicates it (`segvault sync`), shows `status` and `points`, then starts
# the daemon (`segvault run`), makes a third archive and shows its restore point arriving (with the
# measured seconds), a few lines of /metrics and `status`; stops the daemon, restores the newest point into a
# new directory and proves it with `borg check`, `borg list` and an extract.
#
# It stops only what it started: an S3 server that was already running is left running.
#
# KEEP=1 keeps the S3 server, the bucket and the work directory afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

need=()
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v borg >/dev/null || need+=(borgbackup)
command -v aws >/dev/null || need+=(awscli)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing: ${need[*]} (install them, or run as root)" >&2; exit 2; }
  say "installing ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

say "building segvault (./mvnw package)"
./mvnw -B -q -DskipTests package
SEGVAULT="java -jar $ROOT/agent/target/segvault.jar"

say "starting the local S3 server with Object Lock"
started=0
scripts/s3-server.sh status || started=1
eval "$(scripts/s3-server.sh start)"
export AWS_EC2_METADATA_DISABLED=true

WORK=$(mktemp -d /tmp/segvault-try-XXXXXX)
RUN_PID=
cleanup() {
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
    kill -TERM "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept: work dir $WORK, S3 server (scripts/s3-server.sh stop)"
  else
    rm -rf "$WORK"
    [ "$started" = 1 ] && scripts/s3-server.sh stop >/dev/null 2>&1
  fi
  return 0
}
trap cleanup EXIT

BUCKET=segvault-try-$(date +%s)
say "creating bucket $BUCKET with Object Lock (COMPLIANCE, 1 day default)"
aws --endpoint-url "$SEGVAULT_TEST_S3_ENDPOINT" s3api create-bucket --bucket "$BUCKET" --object-lock-enabled-for-bucket >/dev/null
aws --endpoint-url "$SEGVAULT_TEST_S3_ENDPOINT" s3api put-object-lock-configuration --bucket "$BUCKET" \
  --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":1}}}'

say "making a Borg repository with two archives"
export BORG_BASE_DIR=$WORK/borg-home BORG_PASSPHRASE=try-it-passphrase
mkdir -p "$WORK/src/docs" "$WORK/repos"
head -c 24M /dev/urandom > "$WORK/src/data.bin"
seq 1 200000 > "$WORK/src/docs/numbers.txt"
borg init -e repokey-blake2 "$WORK/repos/demo"
borg config "$WORK/repos/demo" max_segment_size 4M
(cd "$WORK/src" && borg create --stats "$WORK/repos/demo::first" . | tail -3)
head -c 8M /dev/urandom > "$WORK/src/more.bin"
(cd "$WORK/src" && borg create "$WORK/repos/demo::second" .)

# a free loopback port for the daemon's /metrics (a connection that succeeds means the port is taken)
METRICS_PORT=
for p in $(seq 19470 19499); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then METRICS_PORT=$p; break; fi
done
[ -n "$METRICS_PORT" ] || { echo "no free port in 19470-19499 for /metrics" >&2; exit 1; }

cat > "$WORK/agent.yaml" <<YAML
bucket: $BUCKET
endpoint: $SEGVAULT_TEST_S3_ENDPOINT
pathStyle: true
prefix: borg/
glob: $WORK/repos/*
state: $WORK/state
retention:
  duration: 2d
  generation: 1d
metrics:
  address: 127.0.0.1:$METRICS_PORT
YAML
echo "config: $WORK/agent.yaml"; sed 's/^/  /' "$WORK/agent.yaml"

say "segvault preflight"
$SEGVAULT preflight --config "$WORK/agent.yaml"
say "segvault sync"
$SEGVAULT sync --config "$WORK/agent.yaml"
say "segvault status"
$SEGVAULT status --config "$WORK/agent.yaml"
say "segvault points"
$SEGVAULT points --config "$WORK/agent.yaml" --repo demo

METRICS=http://127.0.0.1:$METRICS_PORT
metric() {  # metric NAME: its value for repo "demo" on /metrics (empty if not there yet)
  curl -sf "$METRICS/metrics" | awk -v n="$1" '$1 ~ "^"n"\\{" && $1 ~ /repo="demo"/ {print $2}' | head -1 || true
}
say "segvault run: the daemon (the product's main job), /metrics on $METRICS"
$SEGVAULT run --config "$WORK/agent.yaml" >"$WORK/run.log" 2>&1 &
RUN_PID=$!
for _ in $(seq 1 300); do
  [ -n "$(metric segvault_repo_offsite_transaction)" ] && break
  kill -0 "$RUN_PID" 2>/dev/null || { cat "$WORK/run.log"; echo "segvault run exited" >&2; exit 1; }
  sleep 0.2
done
BEFORE=$(metric segvault_repo_offsite_transaction)
[ -n "$BEFORE" ] || { cat "$WORK/run.log"; echo "the daemon did not report the repository within 60 s" >&2; exit 1; }
echo "daemon up (pid $RUN_PID); newest restore point offsite: transaction ${BEFORE%.*}"

say "a new backup while the daemon runs: borg create ::third"
head -c 4M /dev/urandom > "$WORK/src/third.bin"
(cd "$WORK/src" && borg create "$WORK/repos/demo::third" .)
T0=$(date +%s%N)
AFTER=$BEFORE
for _ in $(seq 1 600); do
  AFTER=$(metric segvault_repo_offsite_transaction)
  [ -n "$AFTER" ] && [ "${AFTER%.*}" -gt "${BEFORE%.*}" ] && break
  sleep 0.1
done
[ "${AFTER%.*}" -gt "${BEFORE%.*}" ] || { cat "$WORK/run.log"; echo "no new restore point within 60 s" >&2; exit 1; }
T1=$(date +%s%N)
printf 'restore point for transaction %s offsite %d.%01d s after borg create finished\n' "${AFTER%.*}" \
  $(( (T1 - T0) / 1000000000 )) $(( (T1 - T0) / 100000000 % 10 ))

say "a few lines of $METRICS/metrics"
curl -sf "$METRICS/metrics" | grep -E '^segvault_(repo_(committed_transaction|offsite_transaction|lag|offsite_age|up)|upload_bytes_total)\{' | sed 's/^/  /'
say "segvault status (while the daemon runs)"
$SEGVAULT status --config "$WORK/agent.yaml"
say "stopping the daemon (SIGTERM)"
kill -TERM "$RUN_PID"; rc=0; wait "$RUN_PID" || rc=$?; RUN_PID=
echo "segvault run exited $rc"; [ "$rc" = 0 ] || { cat "$WORK/run.log"; exit 1; }

say "restore on a 'fresh host': flags only, into a new directory"
$SEGVAULT restore --bucket "$BUCKET" --endpoint "$SEGVAULT_TEST_S3_ENDPOINT" --prefix borg/ --repo demo --target "$WORK/restored"

say "borg check / list / extract of the restored repository (fresh borg client state)"
export BORG_BASE_DIR=$WORK/fresh-client BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
borg check "$WORK/restored"
borg list "$WORK/restored"
mkdir -p "$WORK/extract" && (cd "$WORK/extract" && borg extract "$WORK/restored::third")
diff -r "$WORK/src" "$WORK/extract" && echo "extracted files are identical to the source"
say "done: the repository came back from the locked bucket"
