# shellcheck shell=bash
# bench/scenarios.sh: the scenarios of scripts/bench.sh (sourced). Contenders run against the same server
# in the same run, alternating: round r runs them in the order rotated by r-1. Commands are the arrays
# SV (bin/segvault, the launcher), AWS_CP (aws s3 cp --recursive) and RCLONE (rclone copy + flags).

CONTENDERS=(segvault aws rclone)

# The launcher records a class-data-sharing archive per command on the first run of that command and uses it
# afterwards (the product default). So that every timed run measures that steady state, one untimed run of each
# timed command comes first: a sync of the small latency repository into a bucket of its own, and a restore of it.
cds_warmup() {
  say "warm-up: one untimed sync and restore, so that the launcher records its class-data archives"
  local b cfg
  b=$(new_bucket warmup) cfg=$WORK/cfg/warmup.yaml
  segvault_config "$cfg" "$b" "$WORK/state/warmup" lat "$REPO_LAT"
  "${SV[@]}" sync --config "$cfg" >"$WORK/logs/warmup-sync.log" 2>&1 || die "warm-up sync failed (see $WORK/logs/warmup-sync.log)"
  "${SV[@]}" restore --bucket "$b" --endpoint "$ENDPOINT" --prefix borg/ --repo lat --target "$WORK/restore/warmup" \
    >"$WORK/logs/warmup-restore.log" 2>&1 || die "warm-up restore failed (see $WORK/logs/warmup-restore.log)"
  rm -rf "$WORK/restore/warmup"
  note "archives: $(find "$WORK/cds" \( -name '*.jsa' -o -name '*.aot' \) -printf '%f ' 2>/dev/null)"
}

# jvm_pid PID: the JVM of a segvault started through the launcher (the launcher itself once it exec'd java; its
# child while it records a class-data archive)
jvm_pid() {
  if [ "$(cat "/proc/$1/comm" 2>/dev/null)" = java ]; then echo "$1"; else pgrep -P "$1" -x java | head -1; fi
}

# S1: initial replication of the 500 MiB-segment and the 8 MiB-segment repository. Fresh bucket for every
# run; segvault also gets a fresh state directory, so every run really uploads everything.
scenario1() {
  say "S1 initial replication: $ROUNDS rounds x ${#CONTENDERS[@]} contenders x 2 repositories"
  local r case who b repo bytes cfg
  for ((r = 1; r <= ROUNDS; r++)); do
    for case in big small; do
      if [ "$case" = big ]; then repo=$REPO_BIG bytes=$BIG_BYTES; else repo=$REPO_SMALL bytes=$SMALL_BYTES; fi
      for who in $(rotate $((r - 1)) "${CONTENDERS[@]}"); do
        b=$(new_bucket "s1-$case-$who")
        case $who in
          segvault)
            cfg=$WORK/cfg/s1-$case-r$r.yaml
            segvault_config "$cfg" "$b" "$WORK/state/s1-$case-r$r" "$case" "$repo"
            measure s1 "$case" segvault "$r" "$bytes" "${SV[@]}" sync --config "$cfg"
            [ "$case" = big ] && S4_BUCKET=$b ;;
          aws) measure s1 "$case" aws "$r" "$bytes" "${AWS_CP[@]}" "$repo" "s3://$b/plain/$case/" ;;
          rclone) measure s1 "$case" rclone "$r" "$bytes" "${RCLONE[@]}" "$repo" "bench:$b/plain/$case" ;;
        esac
        check_uploaded "$b" "$bytes" "s1 $case $who round $r"
      done
    done
  done
}

# check_uploaded BUCKET BYTES WHAT: the bucket really holds at least BYTES (a run that found its data already
# there would measure nothing); a note in the results otherwise
check_uploaded() {
  local total
  total=$("$AWS" --endpoint-url "$ENDPOINT" s3 ls --recursive --summarize "s3://$1/" | awk '/Total Size:/ {print $3}')
  if [ "${total:-0}" -lt $(($2 * 99 / 100)) ]; then
    note "WARNING: $3: bucket $1 holds ${total:-0} bytes, far less than the $2 of the repository"
    echo "$3: bucket $1 holds ${total:-0} bytes, far less than the $2 of the repository" >>"$WORK/notes"
  fi
}

# S2: nothing new at scale. segvault keeps its state between runs (that is the point); the peers compare
# the repository with a copy of it that rclone uploaded under plain/many/ (so their objects are newer
# than the local files and aws s3 sync has nothing to do either).
scenario2() {
  say "S2 nothing new: $MANY_COUNT segments already offsite, $ROUNDS rounds"
  local bsv bpeer cfg r who
  bsv=$(new_bucket s2-segvault) bpeer=$(new_bucket s2-peers) cfg=$WORK/cfg/s2.yaml
  segvault_config "$cfg" "$bsv" "$WORK/state/s2" many "$REPO_MANY"
  note "first upload of the $MANY_COUNT segments (reported, not a target)"
  measure s2 initial segvault 1 "$MANY_BYTES" "${SV[@]}" sync --config "$cfg"
  measure s2 initial rclone 1 "$MANY_BYTES" "${RCLONE[@]}" "$REPO_MANY" "bench:$bpeer/plain/many"
  for ((r = 1; r <= ROUNDS; r++)); do
    for who in $(rotate $((r - 1)) segvault aws rclone rclone-check); do
      case $who in
        segvault) measure s2 nothing segvault "$r" 0 "${SV[@]}" sync --config "$cfg" ;;
        aws) measure s2 nothing aws "$r" 0 "$AWS" --endpoint-url "$ENDPOINT" s3 sync --dryrun --only-show-errors \
               --no-progress "$REPO_MANY" "s3://$bpeer/plain/many/" ;;
        rclone) measure s2 nothing rclone "$r" 0 "${RCLONE[@]}" --dry-run "$REPO_MANY" "bench:$bpeer/plain/many" ;;
        rclone-check) measure s2 nothing rclone-check "$r" 0 rclone check "${RCLONE_COMMON[@]}" "$REPO_MANY" \
               "bench:$bpeer/plain/many" ;;
      esac
    done
  done
  # each must really have concluded "nothing to do"
  local log
  for log in "$WORK"/logs/s2-nothing-*.log; do
    if grep -q -e '(dryrun) upload' -e 'Skipped copy' -e 'ERROR' "$log"; then
      note "WARNING: $(basename "$log") found something to do: $(grep -c -e '(dryrun)' -e 'Skipped copy' "$log") objects"
      echo "$(basename "$log") did not conclude nothing to do" >>"$WORK/notes"
    fi
  done
  daemon_passes "$cfg"
}

# S2, the daemon: `segvault run` on the same state with a 1 s rescan interval decides "nothing new" once a
# second. Each pass is timed by segvault_sync_duration_seconds (sum and count on /metrics, polled every 0.1 s;
# a poll that saw one more pass gives that pass's time). The first pass after start is a full pass (the daemon
# has not seen the repository yet) and is left out; the next DAEMON_PASSES passes are rows "s2 pass".
daemon_passes() {
  local cfg=$WORK/cfg/s2-daemon.yaml url=http://127.0.0.1:$METRICS_PORT/metrics pid deadline
  local q0 q1 first=-1 last_n=0 last_s=0 n s i=0
  sed '/^metrics:/,$d' "$1" >"$cfg"
  printf 'follow:\n  rescanInterval: 1s\nmetrics:\n  address: "127.0.0.1:%s"\n' "$METRICS_PORT" >>"$cfg"
  say "S2 daemon: segvault run, rescan every 1 s, $DAEMON_PASSES nothing-new passes timed"
  "${SV[@]}" run --config "$cfg" >"$WORK/logs/s2-daemon.log" 2>&1 &
  pid=$!
  deadline=$((SECONDS + 120 + 2 * DAEMON_PASSES))
  q0=$(server_requests)
  while [ "$i" -lt "$DAEMON_PASSES" ]; do
    kill -0 "$pid" 2>/dev/null || die "segvault run exited (see $WORK/logs/s2-daemon.log)"
    [ $SECONDS -lt $deadline ] || die "segvault run did not make $DAEMON_PASSES passes in time (see $WORK/logs/s2-daemon.log)"
    read -r n s < <(curl -s --max-time 2 "$url" | awk '
      /^segvault_sync_duration_seconds_count\{/ && /outcome="ok"/ && /uploaded="false"/ { n += $NF }
      /^segvault_sync_duration_seconds_sum\{/ && /outcome="ok"/ && /uploaded="false"/ { s += $NF }
      END { printf "%d %.9f\n", n, s }')
    if [ "${n:-0}" -gt "$last_n" ]; then
      if [ "$first" -lt 0 ]; then
        first=$n q0=$(server_requests)   # the first (full) pass is over: from here on only rescans
      else
        # one row per pass; when a poll saw several passes, each gets their mean
        local k
        for ((k = last_n; k < n && i < DAEMON_PASSES; k++)); do
          i=$((i + 1))
          row s2 pass segvault-daemon "$i" "$(awk -v a="$last_s" -v b="$s" -v d=$((n - last_n)) 'BEGIN {print (b - a) / d}')" 0
        done
      fi
      last_n=$n last_s=$s
    fi
    sleep 0.1
  done
  q1=$(server_requests)
  row s2 daemon segvault-daemon 1 0 0 "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$(jvm_pid "$pid")/status")"
  echo "$((${q1:-0} - ${q0:-0}))" >"$WORK/s2-daemon-requests"
  kill -TERM "$pid"
  wait "$pid" || true
  note "daemon passes: $(awk -F'\t' '$1 == "s2" && $2 == "pass" {printf "%.1f ms ", $5 * 1000}' "$RESULTS")"
  note "requests to the server during those passes: $(cat "$WORK/s2-daemon-requests")"
}

# latest committed transaction of a repository: the highest index.T
committed_txn() { find "$1" -maxdepth 1 -name 'index.*' -printf '%f\n' | sed 's/^index\.//' | sort -n | tail -1; }

# S3: commit-to-offsite latency with the daemon following the repository (inotify, default debounce).
scenario3() {
  say "S3 commit-to-offsite latency: segvault run + $COMMITS borg creates"
  local b cfg url pid t deadline i t_ret t_commit t_seen seen
  b=$(new_bucket s3-segvault) cfg=$WORK/cfg/s3.yaml url=http://127.0.0.1:$METRICS_PORT/metrics
  segvault_config "$cfg" "$b" "$WORK/state/s3" lat "$REPO_LAT" "127.0.0.1:$METRICS_PORT"
  "${SV[@]}" run --config "$cfg" >"$WORK/logs/s3-daemon.log" 2>&1 &
  pid=$!
  t=$(committed_txn "$REPO_LAT") deadline=$((SECONDS + 120))
  until [ "$(metric "$url" segvault_repo_offsite_transaction lat)" = "$t" ]; do
    kill -0 "$pid" 2>/dev/null || die "segvault run exited (see $WORK/logs/s3-daemon.log)"
    [ $SECONDS -lt $deadline ] || die "segvault run did not replicate transaction $t within 120 s"
    sleep 0.2
  done
  note "daemon up, transaction $t offsite; now $COMMITS commits"
  for ((i = 1; i <= COMMITS; i++)); do
    gen_bytes "$WORK/src/lat/new-$i.bin" 4 "$i" 1
    borg_archive "$REPO_LAT" "c$i" "$WORK/src/lat" >/dev/null
    t_ret=$(now_ns)
    t=$(committed_txn "$REPO_LAT")
    t_commit=$(stat -c %.9Y "$REPO_LAT/index.$t" | tr -d .)
    deadline=$((SECONDS + 60)) seen=
    while [ -z "$seen" ]; do
      [ "$(metric "$url" segvault_repo_offsite_transaction lat)" -ge "$t" ] 2>/dev/null && seen=1 && break
      [ $SECONDS -lt $deadline ] || break
      sleep 0.05
    done
    t_seen=$(now_ns)
    if [ -z "$seen" ]; then
      note "FAILED: transaction $t not offsite within 60 s"
      printf 's3\tcommit\tsegvault\t%d\t60\t0\t0\t0\t0\t0\t0\t1\n' "$i" >>"$RESULTS"
      continue
    fi
    row s3 commit segvault "$i" "$(awk -v a="$t_commit" -v b="$t_seen" 'BEGIN {print (b - a) / 1e9}')" 0
    row s3 return segvault "$i" "$(awk -v a="$t_ret" -v b="$t_seen" 'BEGIN {print (b - a) / 1e9}')" 0
    note "commit $i: transaction $t offsite $(tail -2 "$RESULTS" | head -1 | cut -f5) s after index.$t was written"
  done
  row s3 daemon segvault 1 0 0 "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$(jvm_pid "$pid")/status")"
  kill -TERM "$pid"
  wait "$pid" || true
}

# S4: restore the big repository from the bucket segvault wrote in the last S1 round. The peers download
# the same objects (the whole borg/big/ prefix) with aws s3 cp --recursive and rclone copy.
scenario4() {
  say "S4 restore of the big repository from bucket $S4_BUCKET, $ROUNDS rounds"
  local r who dir
  for ((r = 1; r <= ROUNDS; r++)); do
    for who in $(rotate $((r - 1)) "${CONTENDERS[@]}"); do
      dir=$WORK/restore/$who-r$r
      case $who in
        segvault) measure s4 big segvault "$r" "$BIG_BYTES" "${SV[@]}" restore --bucket "$S4_BUCKET" --endpoint "$ENDPOINT" \
                    --prefix borg/ --repo big --target "$dir" ;;
        aws) measure s4 big aws "$r" "$BIG_BYTES" "${AWS_CP[@]}" "s3://$S4_BUCKET/borg/big/" "$dir" ;;
        rclone) measure s4 big rclone "$r" "$BIG_BYTES" "${RCLONE[@]}" "bench:$S4_BUCKET/borg/big" "$dir" ;;
      esac
      rm -rf "$dir"
    done
  done
}

# The physical limits on this machine: one core's hashing speed on a segment (coreutils and the JVM's
# MessageDigest, which segvault uses), and the server's ingest with the fastest client at its best settings.
limits() {
  say "limits: hashing throughput and the server's ingest ceiling"
  local seg bytes b
  seg=$(find "$REPO_BIG/data" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
  bytes=$(stat -c %s "$seg")
  cat "$seg" >/dev/null
  measure limits hash sha256sum 1 "$bytes" sha256sum "$seg"
  measure limits hash md5sum 1 "$bytes" md5sum "$seg"
  java "$ROOT/bench/DigestSpeed.java" "$seg" >"$WORK/logs/limits-java.log" 2>&1 || die "DigestSpeed failed: $(cat "$WORK/logs/limits-java.log")"
  local alg sec
  while read -r alg sec; do row limits hash "java-$alg" 1 "$sec" "$bytes"; done <"$WORK/logs/limits-java.log"
  b=$(new_bucket ceiling)
  measure limits ceiling aws-max 1 "$BIG_BYTES" "${AWS_MAX[@]}" "$REPO_BIG" "s3://$b/plain/big/"
}
