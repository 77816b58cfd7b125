#!/usr/bin/env bash
# scripts/s3-server.sh start|stop|env|status
#
# A throw-away S3 server that enforces Object Lock, on 127.0.0.1: a one-node
# Ceph cluster (one monitor, one OSD, auth off) with a RADOS Gateway in front,
# all from Debian 12's packages (Ceph 16.2). Everything it writes lives under
# $SEGVAULT_RGW_DIR; nothing touches /etc/ceph or systemd.
#
#   start   install the packages if missing, start the daemons (no-op when they
#           already run), then print the S3 settings as `export` lines
#   stop    stop the daemons this script started and remove the state dir
#   env     print the `export` lines of a running server
#   status  exit 0 when the gateway answers, 1 otherwise
#   gateway-stop / gateway-start
#           stop only the RADOS Gateway (the S3 endpoint goes away, the data stays) and start
#           it again: an S3 outage for fault tests
#
# Settings (environment):
#   SEGVAULT_RGW_DIR      state directory            (/tmp/segvault-rgw)
#   SEGVAULT_RGW_PORT     S3 port on 127.0.0.1       (7480)
#   SEGVAULT_RGW_MON_PORT monitor port, +1 for v1    (13300)
#   SEGVAULT_RGW_STORE    bluestore | memstore       (bluestore)
#   SEGVAULT_RGW_WAIT     seconds per daemon to wait (120)
set -euo pipefail

DIR=${SEGVAULT_RGW_DIR:-/tmp/segvault-rgw}
PORT=${SEGVAULT_RGW_PORT:-7480}
MON=${SEGVAULT_RGW_MON_PORT:-13300}
STORE=${SEGVAULT_RGW_STORE:-bluestore}
WAIT=${SEGVAULT_RGW_WAIT:-120}
# sparse file: only what is written takes disk space. Locked test objects cannot be deleted, so leave room.
BLOCK_BYTES=${SEGVAULT_RGW_BLOCK_BYTES:-68719476736}
KEY_ID=SEGVAULTTESTKEY00001
KEY_SECRET=segvaulttestsecret000000000000000000000

msg() { printf '[s3-server] %s\n' "$*" >&2; }
fail() { msg "error: $*"; exit 1; }

answering() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; }

print_env() {
  [ -f "$DIR/env" ] || fail "no server state in $DIR (run: $0 start)"
  cat "$DIR/env"
}

alive() {  # alive PIDFILE COMM
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ] \
    && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null
}

install_packages() {
  local missing=() p
  for p in ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || fail "missing packages ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  msg "installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

stop_daemons() {
  local spec pidfile comm pid i
  # gateway first (it hangs without its OSD), then OSD, then monitor
  for spec in client.rgw.gw:radosgw osd.0:ceph-osd mon.a:ceph-mon; do
    pidfile=$DIR/run/${spec%%:*}.pid comm=${spec##*:}
    alive "$pidfile" "$comm" || continue
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || continue
    for i in $(seq 1 50); do alive "$pidfile" "$comm" || break; sleep 0.1; done
    alive "$pidfile" "$comm" && kill -KILL "$pid" 2>/dev/null
  done
  return 0
}

wait_until() {  # wait_until WHAT DAEMON CMD...
  local what=$1 daemon=$2 deadline=$(( $(date +%s) + WAIT ))
  shift 2
  until "$@" >/dev/null 2>&1; do
    alive "$DIR/run/$daemon.pid" "${daemon_comm[$daemon]}" \
      || { stop_daemons; fail "$daemon exited while waiting for $what (logs: $DIR/log)"; }
    [ "$(date +%s)" -lt "$deadline" ] || { stop_daemons; fail "timed out waiting for $what (logs: $DIR/log)"; }
    sleep 0.3
  done
}
declare -A daemon_comm=([mon.a]=ceph-mon [osd.0]=ceph-osd [client.rgw.gw]=radosgw)

write_conf() {
  local store
  case "$STORE" in
    bluestore) store="osd objectstore = bluestore
bluestore block create = true
bluestore block size = $BLOCK_BYTES
bluestore fsck on mount = false
osd memory target = 1073741824" ;;
    memstore) store="osd objectstore = memstore
memstore device bytes = 4294967296
memstore page set = true" ;;
    *) fail "SEGVAULT_RGW_STORE must be bluestore or memstore, not '$STORE'" ;;
  esac
  cat >"$DIR/ceph.conf" <<CONF
[global]
fsid = $1
mon host = [v2:127.0.0.1:$MON,v1:127.0.0.1:$((MON + 1))]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = false
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
log to stderr = false
err to stderr = true
crash dir = $DIR/crash
tmp dir = $DIR/tmp
mon allow pool size one = true
paxos propose interval = 0.1
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0

[mon]
mon data = $DIR/mon/\$id
mon cluster log file = $DIR/log/cluster.log

[osd]
osd data = $DIR/osd/\$id
osd crush initial weight = 1
$store

[client.rgw.gw]
# tcp_nodelay=1: without it every response with a body on a reused connection waited about 40 ms for the
# client's delayed ACK (Nagle on the server's socket): measured with boto3 and the Java SDK alike
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw data = $DIR/rgw
rgw thread pool size = 128
ms mon client mode = crc
rgw gc obj min wait = 30
rgw gc processor period = 30
CONF
}

start() {
  if answering && [ -f "$DIR/env" ]; then
    msg "already running on http://127.0.0.1:$PORT"
    print_env
    return 0
  fi
  install_packages
  stop_daemons
  rm -rf "$DIR"
  mkdir -p "$DIR"/{run,log,mon/a,osd/0,rgw,tmp,crash}
  export CEPH_CONF=$DIR/ceph.conf
  local fsid osd_uuid osd_id t0=$SECONDS
  fsid=$(uuidgen)
  write_conf "$fsid"

  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON,v1:127.0.0.1:$((MON + 1))]" \
    "$DIR/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$DIR/monmap" >"$DIR/log/mkfs-mon.out" 2>&1 \
    || fail "ceph-mon --mkfs failed: $(tail -3 "$DIR/log/mkfs-mon.out")"
  ceph-mon -i a || fail "ceph-mon did not start (see $DIR/log/mon.a.log)"
  wait_until "the monitor" mon.a timeout 10 ceph --connect-timeout 5 mon stat

  osd_uuid=$(uuidgen)
  osd_id=$(ceph osd new "$osd_uuid")
  [ "$osd_id" = 0 ] || { stop_daemons; fail "expected OSD id 0, got '$osd_id'"; }
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >"$DIR/log/mkfs-osd.out" 2>&1 \
    || { stop_daemons; fail "ceph-osd --mkfs failed: $(tail -3 "$DIR/log/mkfs-osd.out")"; }
  ceph-osd -i 0 2>>"$DIR/log/osd.stderr" || { stop_daemons; fail "ceph-osd did not start"; }
  wait_until "the OSD" osd.0 sh -c 'ceph osd dump --format=json | grep -q "\"up\":1"'

  radosgw -n client.rgw.gw 2>>"$DIR/log/rgw.stderr" || { stop_daemons; fail "radosgw did not start"; }
  wait_until "the gateway on port $PORT" client.rgw.gw curl -sf -o /dev/null "http://127.0.0.1:$PORT/"

  radosgw-admin user create --uid=segvault-test --display-name="segvault test" \
    --access-key="$KEY_ID" --secret-key="$KEY_SECRET" >"$DIR/log/user.json" \
    || { stop_daemons; fail "radosgw-admin user create failed"; }

  cat >"$DIR/env" <<ENV
export AWS_ACCESS_KEY_ID=$KEY_ID
export AWS_SECRET_ACCESS_KEY=$KEY_SECRET
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export SEGVAULT_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT
ENV
  msg "ready in $((SECONDS - t0)) s: http://127.0.0.1:$PORT ($STORE), state in $DIR"
  print_env
}

gateway_stop() {
  local pidfile=$DIR/run/client.rgw.gw.pid i
  alive "$pidfile" radosgw || { msg "gateway is not running"; return 0; }
  kill -TERM "$(cat "$pidfile")"
  for i in $(seq 1 100); do alive "$pidfile" radosgw || break; sleep 0.1; done
  alive "$pidfile" radosgw && kill -KILL "$(cat "$pidfile")"
  msg "gateway stopped"
}

gateway_start() {
  [ -f "$DIR/ceph.conf" ] || fail "no server state in $DIR (run: $0 start)"
  export CEPH_CONF=$DIR/ceph.conf
  if ! answering; then
    radosgw -n client.rgw.gw 2>>"$DIR/log/rgw.stderr" || fail "radosgw did not start"
    wait_until "the gateway on port $PORT" client.rgw.gw curl -sf -o /dev/null "http://127.0.0.1:$PORT/"
  fi
  msg "gateway answering on http://127.0.0.1:$PORT"
}

case "${1:-}" in
  start) start ;;
  gateway-stop) gateway_stop ;;
  gateway-start) gateway_start ;;
  stop) stop_daemons; rm -rf "$DIR"; msg "stopped" ;;
  env) print_env ;;
  status) answering ;;
  *) echo "usage: $0 start|stop|env|status|gateway-stop|gateway-start" >&2; exit 2 ;;
esac
