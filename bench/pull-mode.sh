#!/usr/bin/env bash
# bench/pull-mode.sh: initial replication of one repository by `segvault sync`, local mode against pull mode
# (sftp:// through a real sshd on loopback, chrooted read-only account as in docs/pull-mode.md), alternating,
# ROUNDS rounds, each into a fresh prefix of one new locked bucket on the test S3 server
# (eval "$(scripts/s3-server.sh env)" first). Run as root. Prints one line per run and the medians.
# Scale: PULL_BENCH_MIB (256) of random data in 8 MiB segments, PULL_BENCH_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MIB=${PULL_BENCH_MIB:-256} ROUNDS=${PULL_BENCH_ROUNDS:-3}
JAR=$ROOT/agent/target/segvault.jar
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
borg --umask 0027 config "$REPO" max_segment_size 8M
mkdir -p "$BASE/src"; head -c $((MIB << 20)) /dev/urandom >"$BASE/src/data"
borg --umask 0027 create "$REPO::a1" "$BASE/src"
BUCKET=sv-pullbench-$(date +%m%d%H%M%S)
java -cp "$JAR" bench/CreateLockedBucket.java "$BUCKET"
config() { # $1 prefix, $2 repo location
  cat <<YAML
bucket: $BUCKET
endpoint: $SEGVAULT_TEST_S3_ENDPOINT
pathStyle: true
prefix: "$1"
state: $BASE/state-$1
retention: {duration: 2h, generation: 1h}
metrics: {address: ""}
repos: [{name: acme, path: "$2"}]
ssh: {keyFile: $BASE/client, knownHosts: $BASE/known_hosts}
YAML
}
declare -A times
for round in $(seq 1 "$ROUNDS"); do
  for mode in local sftp; do
    prefix=${mode}${round}/
    loc=$REPO; [ $mode = sftp ] && loc=sftp://$USER_@127.0.0.1:$PORT/srv/borg-repos/acme
    config "$prefix" "$loc" >"$BASE/$mode$round.yaml"
    start=$(date +%s.%N)
    java -jar "$JAR" sync --config "$BASE/$mode$round.yaml" >"$BASE/$mode$round.log" 2>&1 || { cat "$BASE/$mode$round.log"; exit 1; }
    t=$(echo "$(date +%s.%N) - $start" | bc)
    times[$mode]="${times[$mode]:-} $t"
    printf '%s round %s: %.2f s (%s MiB)\n' "$mode" "$round" "$t" "$MIB"
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
l=$(echo "${times[local]}" | median) s=$(echo "${times[sftp]}" | median)
printf 'median: local %.2f s (%.0f MiB/s), sftp %.2f s (%.0f MiB/s), sftp/local throughput %.2f x\n' \
  "$l" "$(echo "$MIB / $l" | bc -l)" "$s" "$(echo "$MIB / $s" | bc -l)" "$(echo "$l / $s" | bc -l)"
