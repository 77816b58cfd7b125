# shellcheck shell=bash
# bench/scale.sh: the scale scenario (S6) of scripts/bench.sh (sourced). For each size in SCALE_SIZES, a Borg
# repository of that many sealed segments made by real borg (max_segment_size 1, as S2's), then, with the launcher
# and its default options against rclone: the initial replication, a pass with nothing new, a pass after one
# `borg create` of 100 KiB (time and the bytes it uploaded), the daemon's pass after each of S6_DAEMON_COMMITS more
# commits of 100 KiB, and a restore of the newest point. Rows "s6 <step>-<n>".

# uploaded_bytes LOG: the bytes a `segvault sync` says it uploaded ("... N objects, B bytes uploaded ...")
uploaded_bytes() { sed -n 's/.* objects, \([0-9]*\) bytes uploaded.*/\1/p' "$1" | tail -1; }

scenario6() {
  local n repo b bpeer cfg bytes log
  for n in $SCALE_SIZES; do
    repo=$WORK/repos/scale-$n
    say "S6 scale: $n segments ($repo)"
    many_repo "$repo" "$n"
    bytes=$(tree_bytes "$repo")
    note "$(segments_of "$repo")"
    b=$(new_bucket "s6-$n-segvault") bpeer=$(new_bucket "s6-$n-rclone") cfg=$WORK/cfg/s6-$n.yaml
    segvault_config "$cfg" "$b" "$WORK/state/s6-$n" "scale$n" "$repo"
    measure s6 "initial-$n" segvault 1 "$bytes" "${SV[@]}" sync --config "$cfg"
    measure s6 "initial-$n" rclone 1 "$bytes" "${RCLONE[@]}" "$repo" "bench:$bpeer/plain/scale$n"
    measure s6 "nothing-$n" segvault 1 0 "${SV[@]}" sync --config "$cfg"
    gen_bytes "$WORK/src/commit-$n.bin" 5 "$n" 1
    head -c 102400 "$WORK/src/commit-$n.bin" >"$WORK/src/commit-$n.part" && rm "$WORK/src/commit-$n.bin"
    (cd "$WORK/src" && borg create --compression none "$repo::c1" "commit-$n.part") >/dev/null
    measure s6 "commit-$n" segvault 1 0 "${SV[@]}" sync --config "$cfg"
    log=$WORK/logs/s6-commit-$n-segvault-r1.log
    echo "$n $(uploaded_bytes "$log")" >>"$WORK/s6-commit-bytes"
    daemon_commits "$cfg" "$repo" "$n"
    measure s6 "restore-$n" segvault 1 "$bytes" "${SV[@]}" restore --bucket "$b" --endpoint "$ENDPOINT" --prefix borg/ \
      --repo "scale$n" --target "$WORK/restore/s6-$n-segvault"
    measure s6 "restore-$n" rclone 1 "$bytes" "${RCLONE[@]}" "bench:$bpeer/plain/scale$n" "$WORK/restore/s6-$n-rclone"
    rm -rf "$WORK/restore/s6-$n-segvault" "$WORK/restore/s6-$n-rclone" "$repo"
  done
}

# daemon_commits CFG REPO N: `segvault run` on the same state (inotify), then S6_DAEMON_COMMITS commits of 100 KiB,
# one at a time; each commit's pass is timed by segvault_sync_duration_seconds{uploaded="true"} (sum and count polled
# on /metrics every 0.1 s until the count grows). The daemon's first pass after start (it reads the previous point
# back from the bucket) is the first commit's; rows "s6 daemon-<n>", the daemon's VmHWM as "s6 daemonrss-<n>".
daemon_commits() {
  local cfg=$WORK/cfg/s6-daemon-$3.yaml url=http://127.0.0.1:$METRICS_PORT/metrics pid i n0 s0 n s deadline
  sed '/^metrics:/,$d' "$1" >"$cfg"
  printf 'metrics:\n  address: "127.0.0.1:%s"\n' "$METRICS_PORT" >>"$cfg"
  say "S6 daemon: segvault run, $S6_DAEMON_COMMITS commits of 100 KiB, each pass timed"
  "${SV[@]}" run --config "$cfg" >"$WORK/logs/s6-daemon-$3.log" 2>&1 &
  pid=$!
  deadline=$((SECONDS + 300))
  until curl -s --max-time 2 "$url" | grep -q '^segvault_sync_duration_seconds_count{'; do
    kill -0 "$pid" 2>/dev/null || die "segvault run exited (see $WORK/logs/s6-daemon-$3.log)"
    [ $SECONDS -lt $deadline ] || die "segvault run made no pass in 300 s (see $WORK/logs/s6-daemon-$3.log)"
    sleep 0.1
  done
  for ((i = 1; i <= S6_DAEMON_COMMITS; i++)); do
    read -r n0 s0 < <(uploading_passes "$url")
    gen_bytes "$WORK/src/daemon-$3-$i.bin" 6 "$3" "$i"
    head -c 102400 "$WORK/src/daemon-$3-$i.bin" >"$WORK/src/daemon-$3-$i.part" && rm "$WORK/src/daemon-$3-$i.bin"
    (cd "$WORK/src" && borg create --compression none "$2::d$i" "daemon-$3-$i.part") >/dev/null
    deadline=$((SECONDS + 300))
    while read -r n s < <(uploading_passes "$url") && [ "$n" -le "$n0" ]; do
      kill -0 "$pid" 2>/dev/null || die "segvault run exited (see $WORK/logs/s6-daemon-$3.log)"
      [ $SECONDS -lt $deadline ] || die "no pass after commit $i in 300 s (see $WORK/logs/s6-daemon-$3.log)"
      sleep 0.1
    done
    row s6 "daemon-$3" segvault "$i" "$(awk -v a="$s0" -v b="$s" -v d=$((n - n0)) 'BEGIN {print (b - a) / d}')" 0
  done
  row s6 "daemonrss-$3" segvault 1 0 0 "$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$(jvm_pid "$pid")/status")"
  kill -TERM "$pid"
  wait "$pid" || true
  note "daemon commit passes at $3 segments: $(awk -F'\t' -v c="daemon-$3" '$1 == "s6" && $2 == c {printf "%.2f s ", $5}' "$RESULTS")"
}

# uploading_passes URL: count and summed seconds of the daemon's successful passes that uploaded something
uploading_passes() {
  curl -s --max-time 2 "$1" | awk '
    /^segvault_sync_duration_seconds_count\{/ && /outcome="ok"/ && /uploaded="true"/ { n += $NF }
    /^segvault_sync_duration_seconds_sum\{/ && /outcome="ok"/ && /uploaded="true"/ { s += $NF }
    END { printf "%d %.9f\n", n, s }'
}

# scale_report: the S6 table (markdown)
scale_report() {
  local n step
  echo "S6 scale ($(date -u +%F), load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)):"
  echo
  echo '| segments | step | segvault s | rclone s | segvault / rclone time | segvault peak RSS MiB | uploaded bytes |'
  echo '|---|---|---|---|---|---|---|'
  for n in $SCALE_SIZES; do
    for step in initial nothing commit restore; do
      local sv rc up=''
      sv=$(med s6 "$step-$n" segvault 5) rc=$(med s6 "$step-$n" rclone 5)
      [ "$step" = commit ] && up=$(awk -v n="$n" '$1 == n {print $2}' "$WORK/s6-commit-bytes")
      printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$step" "$(fmt "$sv" 2)" "$(fmt "$rc" 2)" "$(ratio "$sv" "$rc")" \
        "$(fmt "$(maxof s6 "$step-$n" segvault 8)" 0)" "${up:-–}"
    done
    printf '| %s | daemon commit (median of %s; first %s, max %s) | %s | – | – | %s | – |\n' "$n" \
      "$(runs_all s6 "daemon-$n" segvault)" "$(fmt "$(awk -F'\t' -v c="daemon-$n" '$1 == "s6" && $2 == c && $4 == 1 {print $5}' "$RESULTS")" 2)" \
      "$(fmt "$(maxof s6 "daemon-$n" segvault 5)" 2)" "$(fmt "$(med s6 "daemon-$n" segvault 5)" 2)" \
      "$(fmt "$(maxof s6 "daemonrss-$n" segvault 8)" 0)"
  done
}
