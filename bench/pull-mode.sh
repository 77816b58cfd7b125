#!/usr/bin/env bash
# bench/pull-mode.sh: initial replication of one repository by `segvault sync`, local mode against pull mode
# (sftp:// through a real sshd on loopback, chrooted read-only account as in docs/pull-mode.md), alternating,
# ROUNDS rounds, each into a fresh prefix of one new locked bucket on the test S3 server
# (eval "$(scripts/s3-server.sh env)" first). Run as root. Prints one line per run (wall time, the agent's CPU,
# the sshd side's, the S3 server's and the whole machine's busy CPU, the load average) and the medians; then the
# commit-to-offsite latency of pull mode: `segvault run` on the sftp:// repository while PULL_BENCH_COMMITS borg
# creates are made on the "server" side, each timed from the new index.T's modification time to the daemon's
# segvault_repo_offsite_transaction reaching T.
# Scale: PULL_BENCH_MIB (256) of random data in 8 MiB segments, PULL_BENCH_ROUNDS (3), PULL_BENCH_COMMITS (20;
# 0 = no latency run), PULL_BENCH_POLL (the daemon's follow.pollInterval, 10s).
# PULL_BENCH_JAR: the segvault.jar to time (default agent/target/segvault.jar); PULL_BENCH_BEFORE_JAR: another jar
# timed in pull mode in the same rounds (row "sftp-before"), e.g. a build of the previous commit.
# PULL_BENCH_SEGMENT: the repository's max_segment_size (8M); PULL_BENCH_FILES: the MiB split into this many files of
# random data (1; many small files and a small segment size make a repository of many segments).
# PULL_BENCH_COMMIT_SYNCS: after the rounds, this many times a borg create of 100 KiB and then each mode's `sync` on
# the state directory and prefix of its last round, timed (the one-commit pass; 0).
# PULL_BENCH_MODES: the modes timed (local sftp; the first is the reference of the ratios).
# PULL_BENCH_CONNECT_TIMEOUT: ssh.connectTimeout of the runs (60s: at load 20 the cold key exchange and authentication
# took longer than the default 15 s).
# PULL_BENCH_JAVA_OPTS: JVM options of every timed run (e.g. a -XX:StartFlightRecording for a profile).
# PULL_BENCH_LAUNCHER: run segvault through this launcher (e.g. bin/segvault; SEGVAULT_JAVA chooses its runtime)
# instead of `java -jar`, with an archive directory per mode, each recorded by one untimed sync of that mode
# (prefix warmup-MODE/) before the rounds: the start-up as installed (docs/benchmarks.md, "Runtime").
# PULL_BENCH_PROBE=1: instead, time only the raw SFTP read of a PULL_BENCH_MIB file with bench/SftpReadSpeed.java for
# each of PROBE_KEX, PROBE_CIPHERS, PROBE_REQUESTS (0 = 1 MiB positional reads; else the read-ahead request size) and
# PROBE_PACKETS (the channel's largest packet the client announces; PROBE_WINDOW: its window).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MIB=${PULL_BENCH_MIB:-256} ROUNDS=${PULL_BENCH_ROUNDS:-3} COMMITS=${PULL_BENCH_COMMITS:-20} POLL=${PULL_BENCH_POLL:-10s}
JAR=${PULL_BENCH_JAR:-$ROOT/agent/target/segvault.jar} BEFORE_JAR=${PULL_BENCH_BEFORE_JAR:-}
read -r -a JOPTS <<<"${PULL_BENCH_JAVA_OPTS:-}"
[ -f "$JAR" ] || ./mvnw -B -q -DskipTests package
[ -n "${SEGVAULT_TEST_S3_ENDPOINT:-}" ] || { echo "eval \"\$(scripts/s3-server.sh env)\" first" >&2; exit 2; }
[ -x /usr/sbin/sshd ] || { echo "needs /usr/sbin/sshd (apt-get install openssh-server)" >&2; exit 2; }
USER_=segvault-sftp
id -u $USER_ >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent \
  --shell /usr/sbin/nologin $USER_
usermod -p '*' $USER_
BASE=/var/lib/segvault-bench-sftp
rm -rf "$BASE"; install -d -m 0755 "$BASE" "$BASE/chroot" "$BASE/chroot/srv" /run/sshd
REPOS=$BASE/chroot/srv/borg-repos
install -d -g $USER_ -m 2750 "$REPOS"
ssh-keygen -q -t ed25519 -N '' -f "$BASE/host"; ssh-keygen -q -t ed25519 -N '' -f "$BASE/client"
cp "$BASE/client.pub" "$BASE/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$BASE/host.pub")" >"$BASE/known_hosts"
cat >"$BASE/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $PORT
HostKey $BASE/host
PidFile $BASE/sshd.pid
AuthorizedKeysFile $BASE/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowUsers $USER_
Subsystem sftp internal-sftp
Match User $USER_
    ChrootDirectory $BASE/chroot
    ForceCommand internal-sftp -R
    AllowTcpForwarding no
    X11Forwarding no
    PermitTTY no
CFG
/usr/sbin/sshd -D -e -f "$BASE/sshd_config" 2>"$BASE/sshd.log" &
SSHD=$!
trap 'kill $SSHD 2>/dev/null || true; rm -rf "$BASE"' EXIT
export BORG_BASE_DIR=$BASE/borg-home BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
REPO=$REPOS/acme
borg --umask 0027 init -e none "$REPO"
borg --umask 0027 config "$REPO" max_segment_size "${PULL_BENCH_SEGMENT:-8M}"
mkdir -p "$BASE/src"
if [ "${PULL_BENCH_FILES:-1}" -le 1 ]; then
  head -c $((MIB << 20)) /dev/urandom >"$BASE/src/data"
else # many small files: with a small PULL_BENCH_SEGMENT, many segments
  python3 -c 'import os, sys
n, size, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(n):
    open(os.path.join(d, "f%06d" % i), "wb").write(os.urandom(size))' \
    "$PULL_BENCH_FILES" $(((MIB << 20) / PULL_BENCH_FILES)) "$BASE/src"
fi
borg --umask 0027 create "$REPO::a1" "$BASE/src"
echo "repository: $(find "$REPO/data" -type f | wc -l) segment files, $(du -sm "$REPO/data" | cut -f1) MiB"
if [ "${PULL_BENCH_PROBE:-0}" = 1 ]; then # the raw SFTP read, per cipher and key exchange (bench/SftpReadSpeed.java)
  head -c $((MIB << 20)) /dev/urandom >"$REPOS/probe.bin"; chgrp $USER_ "$REPOS/probe.bin"; chmod 0640 "$REPOS/probe.bin"
  for kex in ${PROBE_KEX:-curve25519-sha256 sntrup761x25519-sha512}; do
    for cipher in ${PROBE_CIPHERS:-chacha20-poly1305@openssh.com aes128-gcm@openssh.com aes256-gcm@openssh.com aes128-ctr}; do
      for request in ${PROBE_REQUESTS:-0}; do # 0: positional 1 MiB reads; else the stream's request size
        for packet in ${PROBE_PACKETS:-32768}; do # the channel's largest packet the client announces
          echo -n "packet $packet window ${PROBE_WINDOW:-2097152}: "
          PROBE_PACKET=$packet java -cp "$JAR" bench/SftpReadSpeed.java $USER_ 127.0.0.1 "$PORT" "$BASE/client" \
            "$BASE/known_hosts" /srv/borg-repos/probe.bin $cipher $kex $request 2>"$BASE/probe.err" || tail -3 "$BASE/probe.err"
        done
      done
    done
  done
  exit 0
fi
BUCKET=sv-pullbench-$(date +%m%d%H%M%S)
java -cp "$JAR" bench/CreateLockedBucket.java "$BUCKET"
config() { # $1 prefix, $2 repo location, $3 metrics address (none)
  cat <<YAML
bucket: $BUCKET
endpoint: $SEGVAULT_TEST_S3_ENDPOINT
pathStyle: true
prefix: "$1"
state: $BASE/state-$1
retention: {duration: 2h, generation: 1h}
metrics: {address: "${3:-}"}
repos: [{name: acme, path: "$2"}]
ssh: {keyFile: $BASE/client, knownHosts: $BASE/known_hosts, connectTimeout: ${PULL_BENCH_CONNECT_TIMEOUT:-60s}}
follow: {pollInterval: $POLL}
YAML
}
# CPU seconds (user + system) of the reaped children of sshd: every session process of a finished sync
sshd_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($16 + $17) / hz}' "/proc/$SSHD/stat"; }
load() { cut -d' ' -f1 /proc/loadavg; }
# CPU seconds the whole machine was busy (user, nice, system, irq, softirq; not idle, iowait or steal), and those of
# the S3 server's processes (Ceph's daemons, RADOS Gateway): with the agent's and sshd's they show how much of the
# machine's two cores each mode needs (docs/benchmarks.md, "Pull mode: where the machine's CPU goes")
machine_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {print ($2 + $3 + $4 + $7 + $8) / hz}' /proc/stat; }
s3_cpu() {
  local pid total=0
  for pid in $(pgrep -x 'radosgw|ceph-osd|ceph-mon|ceph-mgr' || true); do
    total=$(awk -v hz="$(getconf CLK_TCK)" -v t="$total" '{print t + ($14 + $15) / hz}' "/proc/$pid/stat" 2>/dev/null || echo "$total")
  done
  echo "$total"
}
declare -A times ratios # ratios: per round, the first mode's time over this mode's (the pair ran back to back)
read -r -a MODES <<<"${PULL_BENCH_MODES:-local sftp}"; [ -n "$BEFORE_JAR" ] && MODES+=(sftp-before)
SFTP_URL=sftp://$USER_@127.0.0.1:$PORT/srv/borg-repos/acme
LAUNCHER=${PULL_BENCH_LAUNCHER:-}
sv_cmd() { # sets SV to the command that runs segvault in mode $1 with jar $2
  if [ -n "$LAUNCHER" ]; then
    SV=(env SEGVAULT_JAR="$2" SEGVAULT_CDS_DIR="$BASE/cds-$1")
    [ -z "${PULL_BENCH_JAVA_OPTS+set}" ] || SV+=(SEGVAULT_JAVA_OPTS="$PULL_BENCH_JAVA_OPTS")
    SV+=("$LAUNCHER")
  else
    SV=(java "${JOPTS[@]}" -jar "$2")
  fi
}
if [ -n "$LAUNCHER" ]; then # record each mode's archive, untimed
  for mode in "${MODES[@]}"; do
    loc=$SFTP_URL jar=$JAR
    [ $mode = local ] && loc=$REPO
    [ $mode = sftp-before ] && jar=$BEFORE_JAR
    config "warmup-$mode/" "$loc" >"$BASE/warmup-$mode.yaml"
    sv_cmd "$mode" "$jar"
    "${SV[@]}" sync --config "$BASE/warmup-$mode.yaml" >"$BASE/warmup-$mode.log" 2>&1 \
      || { cat "$BASE/warmup-$mode.log"; exit 1; }
    echo "warm-up $mode: recorded $(ls "$BASE/cds-$mode")"
  done
fi
for round in $(seq 1 "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    prefix=${mode}${round}/ jar=$JAR loc=$SFTP_URL
    [ $mode = local ] && loc=$REPO
    [ $mode = sftp-before ] && jar=$BEFORE_JAR
    config "$prefix" "$loc" >"$BASE/$mode$round.yaml"
    sv_cmd "$mode" "$jar"
    l0=$(load) s0=$(sshd_cpu) m0=$(machine_cpu) r0=$(s3_cpu) start=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$BASE/cpu" "${SV[@]}" sync --config "$BASE/$mode$round.yaml" \
      >"$BASE/$mode$round.log" 2>&1 || { cat "$BASE/$mode$round.log"; exit 1; }
    t=$(echo "$(date +%s.%N) - $start" | bc)
    times[$mode]="${times[$mode]:-} $t"
    [ "$mode" = "${MODES[0]}" ] && ref=$t || ratios[$mode]="${ratios[$mode]:-} $(echo "$ref / $t" | bc -l)"
    printf '%-11s round %s: %6.2f s (%s MiB), agent CPU %6.2f s, sshd CPU %5.2f s, S3 server CPU %5.2f s, machine busy %6.2f s, load %s -> %s\n' \
      "$mode" "$round" "$t" "$MIB" "$(awk '{print $1 + $2}' "$BASE/cpu")" "$(echo "$(sshd_cpu) - $s0" | bc)" \
      "$(echo "$(s3_cpu) - $r0" | bc)" "$(echo "$(machine_cpu) - $m0" | bc)" "$l0" "$(load)"
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ref=${MODES[0]} # the reference of the ratios (local, unless PULL_BENCH_MODES says otherwise)
l=$(echo "${times[$ref]}" | median)
[ ${#MODES[@]} -gt 1 ] || printf 'median: %s %.2f s (%.0f MiB/s)\n' "$ref" "$l" "$(echo "$MIB / $l" | bc -l)"
for mode in "${MODES[@]:1}"; do
  s=$(echo "${times[$mode]}" | median)
  printf 'median: %s %.2f s (%.0f MiB/s), %s %.2f s (%.0f MiB/s), %s/%s throughput %.2f x, median of the rounds'"'"' ratios %.2f x\n' \
    "$ref" "$l" "$(echo "$MIB / $l" | bc -l)" "$mode" "$s" "$(echo "$MIB / $s" | bc -l)" "$mode" "$ref" "$(echo "$l / $s" | bc -l)" \
    "$(echo "${ratios[$mode]}" | median)"
done
# one-commit passes: a small borg create, then each mode's `sync` on the state and prefix of its last round
for i in $(seq 1 "${PULL_BENCH_COMMIT_SYNCS:-0}"); do
  head -c 102400 /dev/urandom >"$BASE/src/commit-$i"
  borg --umask 0027 create "$REPO::s$i" "$BASE/src/commit-$i"
  for mode in "${MODES[@]}"; do
    jar=$JAR; [ $mode = sftp-before ] && jar=$BEFORE_JAR
    sv_cmd "$mode" "$jar"
    start=$(date +%s.%N)
    /usr/bin/time -f '%U %S %M' -o "$BASE/cpu" "${SV[@]}" sync --config "$BASE/$mode$ROUNDS.yaml" \
      >"$BASE/commit-$mode$i.log" 2>&1 || { cat "$BASE/commit-$mode$i.log"; exit 1; }
    printf '%-11s commit %s: %6.2f s, agent CPU %6.2f s, peak RSS %d MiB, load %s\n' "$mode" "$i" \
      "$(echo "$(date +%s.%N) - $start" | bc)" "$(awk '{print $1 + $2}' "$BASE/cpu")" \
      "$(awk '{print int($3 / 1024)}' "$BASE/cpu")" "$(load)"
  done
done
[ "$COMMITS" -gt 0 ] || exit 0

# commit-to-offsite: the daemon follows the sftp:// repository by polling; each commit is a small borg create
MPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
config latency/ "$SFTP_URL" "127.0.0.1:$MPORT" >"$BASE/latency.yaml"
java "${JOPTS[@]}" -jar "$JAR" run --config "$BASE/latency.yaml" >"$BASE/latency.log" 2>&1 &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null || true; wait $DAEMON 2>/dev/null || true; kill $SSHD 2>/dev/null || true; rm -rf "$BASE"' EXIT
offsite() { curl -s --max-time 2 "http://127.0.0.1:$MPORT/metrics" \
  | awk 'index($0, "segvault_repo_offsite_transaction{") == 1 && index($0, "repo=\"acme\"") {printf "%d\n", $NF}'; }
committed() { find "$REPO" -maxdepth 1 -name 'index.*' -printf '%f\n' | sed 's/^index\.//' | sort -n | tail -1; }
t=$(committed) deadline=$((SECONDS + 300))
until [ "$(offsite)" = "$t" ]; do
  kill -0 $DAEMON 2>/dev/null || { cat "$BASE/latency.log"; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "transaction $t not offsite within 300 s" >&2; exit 1; }
  sleep 0.2
done
lat=()
for i in $(seq 1 "$COMMITS"); do
  head -c $((1 << 20)) /dev/urandom >"$BASE/src/new-$i"
  borg --umask 0027 create "$REPO::c$i" "$BASE/src/new-$i"
  t=$(committed) t_commit=$(stat -c %.9Y "$REPO/index.$t") deadline=$((SECONDS + 120))
  until [ "$(offsite)" -ge "$t" ] 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "transaction $t not offsite within 120 s" >&2; exit 1; }
    sleep 0.05
  done
  d=$(echo "$(date +%s.%N) - $t_commit" | bc)
  lat+=("$d")
  printf 'commit %2d: transaction %s offsite %.2f s after index.%s was written (load %s)\n' "$i" "$t" "$d" "$t" "$(load)"
done
printf 'commit-to-offsite, poll interval %s, %s commits: median %.2f s, max %.2f s\n' "$POLL" "$COMMITS" \
  "$(echo "${lat[*]}" | median)" "$(printf '%s\n' "${lat[@]}" | sort -n | tail -1)"
