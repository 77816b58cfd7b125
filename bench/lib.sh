# shellcheck shell=bash
# bench/lib.sh: helpers of scripts/bench.sh (sourced, not run). Needs: WORK, RESULTS, RGW_DIR, ENDPOINT,
# JAR, SEGVAULT_OPTS (array), AWS (path of the aws binary), and the AWS_* / RCLONE_CONFIG_BENCH_* variables.

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
note() { printf '   %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

now_ns() { date +%s%N; }

# CPU seconds (user+system) used so far by this run's own Ceph daemons (radosgw and the OSD).
server_cpu_ticks() {
  local f pid total=0 stat
  for f in "$RGW_DIR"/run/client.rgw.gw.pid "$RGW_DIR"/run/osd.0.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }                      # drop "pid (comm) "
    # after the comm field: state is $1, utime is $12, stime is $13
    total=$((total + $(awk '{print $12 + $13}' <<<"$stat")))
  done
  echo "$total"
}
TICKS=$(getconf CLK_TCK)

# HTTP requests this run's radosgw has served so far (its perf counter rgw.req, read on its admin socket)
server_requests() {
  CEPH_CONF=$RGW_DIR/ceph.conf timeout 10 ceph --admin-daemon "$RGW_DIR/run/client.rgw.gw.asok" perf dump rgw 2>/dev/null \
    | awk -F'[:,]' '/"req"/ {gsub(/[^0-9]/, "", $2); print $2; exit}'
}

# bytes in the regular files of a directory tree
tree_bytes() { find "$1" -type f -printf '%s\n' | awk '{n += $1} END {printf "%d\n", n}'; }

# measure SCENARIO CASE CONTENDER ROUND BYTES CMD...
# Runs CMD under /usr/bin/time -v (output to a log), appends one row to $RESULTS:
# scenario case contender round seconds bytes mib_s rss_mib client_cpu_s server_cpu_s requests rc
# (requests: HTTP requests the server counted during the run)
# Returns 0 even when CMD fails (the row has its exit code); the caller decides.
measure() {
  local scen=$1 case=$2 who=$3 round=$4 bytes=$5
  shift 5
  local log="$WORK/logs/$scen-$case-$who-r$round.log" tv="$WORK/logs/$scen-$case-$who-r$round.time"
  local t0 t1 s0 s1 q0 q1 rc=0
  q0=$(server_requests); s0=$(server_cpu_ticks); t0=$(now_ns)
  /usr/bin/time -v -o "$tv" "$@" >"$log" 2>&1 || rc=$?
  t1=$(now_ns); s1=$(server_cpu_ticks); q1=$(server_requests)
  local rss user sys
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$tv")
  sys=$(awk -F': ' '/System time \(seconds\)/ {print $2}' "$tv")
  awk -v s="$scen" -v c="$case" -v w="$who" -v r="$round" -v ns=$((t1 - t0)) -v b="$bytes" -v rss="${rss:-0}" \
      -v u="${user:-0}" -v sy="${sys:-0}" -v sv=$((s1 - s0)) -v tk="$TICKS" -v q=$((${q1:-0} - ${q0:-0})) -v rc="$rc" 'BEGIN {
        sec = ns / 1e9; mibs = (b > 0 && sec > 0) ? b / 1048576 / sec : 0
        printf "%s\t%s\t%s\t%s\t%.3f\t%d\t%.1f\t%.0f\t%.2f\t%.2f\t%d\t%d\n", s, c, w, r, sec, b, mibs, rss / 1024, u + sy, sv / tk, q, rc
      }' >>"$RESULTS"
  if [ "$rc" != 0 ]; then
    note "FAILED ($rc): $scen $case $who round $round; last lines of $log:"
    tail -5 "$log" | sed 's/^/     /' >&2
  else
    note "$(tail -1 "$RESULTS" | awk -F'\t' '{printf "%-6s %-8s %-12s r%s %8.3f s %7.1f MiB/s  rss %4d MiB  cpu %6.2f s  server cpu %6.2f s  %6d requests", $1, $2, $3, $4, $5, $7, $8, $9, $10, $11}')"
  fi
  return 0
}

# rotate N WORD...: the words rotated left by N (round r runs the contenders in a different order)
rotate() {
  local n=$1
  shift
  local a=("$@") i k
  k=${#a[@]}
  for ((i = 0; i < k; i++)); do printf '%s ' "${a[$(((i + n) % k))]}"; done
}

# new_bucket LABEL: creates a new bucket with Object Lock (COMPLIANCE, 1 day default) and prints its name.
# Called as $(new_bucket ...), i.e. in a subshell: the sequence number lives in a file. A name that already
# exists is an error (S3 servers answer "created" for a bucket the caller already owns).
new_bucket() {
  local b seq
  seq=$(($(cat "$WORK/bucket-seq" 2>/dev/null || echo 0) + 1))
  echo "$seq" >"$WORK/bucket-seq"
  b=$(printf 'bench-%s-%03d-%s' "$RUN_ID" "$seq" "$1" | tr '[:upper:]_' '[:lower:]-' | cut -c1-63)
  ! "$AWS" --endpoint-url "$ENDPOINT" s3api head-bucket --bucket "$b" >/dev/null 2>&1 || die "bucket $b already exists"
  "$AWS" --endpoint-url "$ENDPOINT" s3api create-bucket --bucket "$b" --object-lock-enabled-for-bucket >/dev/null \
    || die "cannot create bucket $b"
  "$AWS" --endpoint-url "$ENDPOINT" s3api put-object-lock-configuration --bucket "$b" --object-lock-configuration \
    '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":1}}}' \
    || die "cannot set the lock configuration of $b"
  echo "$b"
}

# segvault_config FILE BUCKET STATE_DIR REPO_NAME REPO_PATH [METRICS_ADDRESS]
segvault_config() {
  cat >"$1" <<YAML
bucket: $2
endpoint: $ENDPOINT
pathStyle: true
prefix: borg/
repos:
  - name: $4
    path: $5
state: $3
retention:
  duration: 2d
  generation: 1d
upload:
  concurrency: $SV_CONCURRENCY
  partSize: $SV_PART_SIZE
  partsInFlight: $SV_PARTS_IN_FLIGHT
  multipartThreshold: $SV_MULTIPART_THRESHOLD
metrics:
  address: "${6:-}"
YAML
}

# median of the numbers on stdin (one per line); empty input prints nothing
median() {
  sort -g | awk '{v[NR] = $1} END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# column COL of the successful rows of SCENARIO CASE CONTENDER
values() { awk -F'\t' -v s="$1" -v c="$2" -v w="$3" -v k="$4" '$1 == s && $2 == c && $3 == w && $12 == 0 {print $k}' "$RESULTS"; }
med() { values "$@" | median; }
mean() { values "$@" | awk '{n++; s += $1} END { if (n) print s / n }'; }
maxof() { values "$@" | sort -g | tail -1; }
runs_ok() { values "$1" "$2" "$3" 5 | wc -l | tr -d ' '; }
runs_all() { awk -F'\t' -v s="$1" -v c="$2" -v w="$3" '$1 == s && $2 == c && $3 == w' "$RESULTS" | wc -l | tr -d ' '; }

# row SCENARIO CASE CONTENDER ROUND SECONDS BYTES [RSS_MIB]: a result row that was not measured by `measure`
row() {
  awk -v s="$1" -v c="$2" -v w="$3" -v r="$4" -v sec="$5" -v b="$6" -v rss="${7:-0}" 'BEGIN {
    mibs = (b > 0 && sec > 0) ? b / 1048576 / sec : 0
    printf "%s\t%s\t%s\t%s\t%.3f\t%d\t%.1f\t%.0f\t0\t0\t0\t0\n", s, c, w, r, sec, b, mibs, rss }' >>"$RESULTS"
}

# metric URL NAME REPO: value of a per-repository gauge of the daemon's /metrics (empty when absent)
metric() {
  curl -s --max-time 2 "$1" | awk -v n="$2" -v r="repo=\"$3\"" 'index($0, n "{") == 1 && index($0, r) { printf "%d\n", $NF }'
}
