# shellcheck shell=bash
# bench/scenarios.sh: the scenarios of scripts/bench.sh (sourced). Contenders run against the same server
# in the same run, alternating: round r runs them in the order rotated by r-1. Commands are the arrays
# SV (java -jar segvault.jar), AWS_CP (aws s3 cp --recursive) and RCLONE (rclone copy + flags).

CONTENDERS=(segvault aws rclone)

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
  # a variant with a class-data-sharing archive of segvault's own classes (a JVM option, no code change):
  # recorded once by a nothing-new run, then used by "segvault-cds"
  java "${SEGVAULT_JAVA_OPTS[@]}" -XX:ArchiveClassesAtExit="$WORK/segvault.jsa" -jar "$JAR" sync --config "$cfg" \
    >"$WORK/logs/s2-cds-archive.log" 2>&1 || die "creating the CDS archive failed (see $WORK/logs/s2-cds-archive.log)"
  for ((r = 1; r <= ROUNDS; r++)); do
    for who in $(rotate $((r - 1)) segvault segvault-cds aws rclone rclone-check); do
      case $who in
        segvault) measure s2 nothing segvault "$r" 0 "${SV[@]}" sync --config "$cfg" ;;
        segvault-cds) measure s2 nothing segvault-cds "$r" 0 java "${SEGVAULT_JAVA_OPTS[@]}" \
               -XX:SharedArchiveFile="$WORK/segvault.jsa" -jar "$JAR" sync --config "$cfg" ;;
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
  row s3 daemon segvault 1 0 0 "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$pid/status")"
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
