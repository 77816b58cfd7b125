# shellcheck shell=bash
# bench/report.sh: markdown from $RESULTS (sourced by scripts/bench.sh). `report` prints the generated part
# of docs/benchmarks.md; `update_doc` puts it between the markers, leaving everything else in the file alone.

BEGIN_MARK='<!-- BEGIN GENERATED: scripts/bench.sh -->'
END_MARK='<!-- END GENERATED: scripts/bench.sh -->'
DOC_HEADING='# Benchmarks: segvault against aws s3 and rclone'

fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { if (v == "") print "–"; else printf "%." d "f\n", v }'; }

# table SCENARIO CASE CONTENDER...: one line per contender with medians over its successful runs
table() {
  local s=$1 c=$2 w lo hi
  shift 2
  echo '| contender | runs ok | median s | median MiB/s | MiB/s min–max | peak RSS MiB (max) | client CPU s | server CPU s | requests |'
  echo '|---|---|---|---|---|---|---|---|---|'
  local mibs range
  for w in "$@"; do
    lo=$(values "$s" "$c" "$w" 7 | sort -g | head -1) hi=$(values "$s" "$c" "$w" 7 | sort -g | tail -1)
    mibs=$(fmt "$(med "$s" "$c" "$w" 7)") range="$(fmt "$lo")–$(fmt "$hi")"
    if [ "$(med "$s" "$c" "$w" 6)" = 0 ]; then mibs='–' range='–'; fi   # nothing transferred: no throughput
    printf '| %s | %s/%s | %s | %s | %s | %s | %s | %s | %s |\n' "$w" "$(runs_ok "$s" "$c" "$w")" "$(runs_all "$s" "$c" "$w")" \
      "$(fmt "$(med "$s" "$c" "$w" 5)" 2)" "$mibs" "$range" \
      "$(fmt "$(maxof "$s" "$c" "$w" 8)" 0)" "$(fmt "$(med "$s" "$c" "$w" 9)" 1)" "$(fmt "$(med "$s" "$c" "$w" 10)" 1)" \
      "$(fmt "$(med "$s" "$c" "$w" 11)" 0)"
  done
}

# best_peer SCENARIO CASE COLUMN max|min PEER...: the best median among the peers, as "value name"
best_peer() {
  local s=$1 c=$2 k=$3 how=$4 w v
  shift 4
  for w in "$@"; do
    v=$(med "$s" "$c" "$w" "$k")
    [ -n "$v" ] && echo "$v $w"
  done | sort -g | if [ "$how" = max ]; then tail -1; else head -1; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.2f\n", a / b }'; }
meets() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "" || v == "–") { print "no data"; exit }
  ok = (op == ">=") ? v >= t : v < t; print ok ? "**met**" : "**missed**" }'; }

machine() {
  local dev
  dev=$(findmnt -no SOURCE -T "$WORK" 2>/dev/null | head -1)
  echo '| | |'
  echo '|---|---|'
  echo "| CPU | $(lscpu | awk -F': +' '/^Model name/ {print $2; exit}'), $(nproc) cores (\`nproc\`) |"
  echo "| RAM | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
  echo "| disk | $dev ($(findmnt -no FSTYPE -T "$WORK" | head -1), $(df -h --output=size "$WORK" | tail -1 | tr -d ' '), \
rotational=$(lsblk -dno ROTA "$dev" 2>/dev/null | tr -d ' ' || echo '?')) |"
  echo "| kernel | $(uname -r) |"
  echo "| load average (1, 5, 15 min) | at start $LOAD_START, at end $LOAD_END |"
  echo "| Java | $(java -version 2>&1 | head -1) |"
  echo "| borg | $(borg --version) |"
  echo "| aws | $("$AWS" --version 2>&1 | cut -d' ' -f1-2) |"
  echo "| rclone | $(rclone version 2>/dev/null | head -1) |"
  echo "| S3 server | Ceph RADOS Gateway $(ceph --version | awk '{print $3}'), one OSD (bluestore on a sparse file), on the same machine |"
}

commands() {
  cat <<EOF
Every run gets a fresh bucket with Object Lock (COMPLIANCE, 1-day default retention), so every
contender's objects are locked by the same server. \`<b>\` is that bucket, \`<repo>\` the repository directory.

| contender | command |
|---|---|
| segvault | \`bin/segvault sync --config <fresh config>\` with $([ -n "${BENCH_SEGVAULT_JAVA_OPTS+set}" ] && echo "\`SEGVAULT_JAVA_OPTS=\"${SEGVAULT_JAVA_OPTS[*]}\"\`" || echo "the launcher's default options (\`${SEGVAULT_JAVA_OPTS[*]}\`, on Java 22+ with the C2 memory limit)") (the launcher with its class-data-sharing archive, recorded by an untimed warm-up run before anything is timed; fresh state directory each run; \`upload: {concurrency: $SV_CONCURRENCY, partSize: $SV_PART_SIZE, partsInFlight: $SV_PARTS_IN_FLIGHT, multipartThreshold: $SV_MULTIPART_THRESHOLD}\`, \`upload.checksum: auto\` = \`sha256\` on this endpoint: the body's SHA-256 in the signed \`x-amz-content-sha256\`, checked by the server) |
| aws | \`aws --endpoint-url \$E s3 cp --recursive --only-show-errors --no-progress <repo> s3://<b>/plain/<name>/\` (awscli's defaults written out in \`AWS_CONFIG_FILE\`: \`max_concurrent_requests = 10\`, \`multipart_threshold = 8MB\`, \`multipart_chunksize = 8MB\`; \`AWS_REQUEST_CHECKSUM_CALCULATION=when_required\`) |
| rclone | \`${RCLONE[*]} <repo> bench:<b>/plain/<name>\` (remote from the environment: \`RCLONE_CONFIG_BENCH_TYPE=s3\`, \`PROVIDER=Ceph\`, \`FORCE_PATH_STYLE=true\`) |
| S2 segvault | \`segvault sync --config <config>\` again, same state directory |
| S2 segvault run (daemon rescan pass) | \`bin/segvault run --config <config>\` on the same state with \`follow.rescanInterval: 1s\`; the first pass after start (a full one) is left out, then $DAEMON_PASSES rescans are timed by \`segvault_sync_duration_seconds\` (\`uploaded="false"\`; sum and count polled on \`/metrics\` every 0.1 s) |
| S2 aws | \`aws s3 sync --dryrun --only-show-errors --no-progress <repo> s3://<b>/plain/many/\` |
| S2 rclone | \`${RCLONE[*]} --dry-run <repo> bench:<b>/plain/many\` (size + modification time: a HEAD per object) |
| S2 rclone-check | \`rclone check ${RCLONE_COMMON[*]} <repo> bench:<b>/plain/many\` (size + MD5 from the listing) |
| S3 | \`segvault run --config <config>\` (inotify, debounce 500 ms), then \`borg create\` of 1 MiB new data, $COMMITS times; poll \`segvault_repo_offsite_transaction\` on \`/metrics\` every 50 ms |
| S4 segvault | \`segvault restore --bucket <b> --endpoint \$E --prefix borg/ --repo big --target <new dir>\` (8 ranged downloads at once) |
| S4 aws | \`aws s3 cp --recursive s3://<b>/borg/big/ <new dir>\` (the same objects segvault wrote) |
| S4 rclone | \`${RCLONE[*]} bench:<b>/borg/big <new dir>\` |
| ceiling | \`aws s3 cp --recursive <big repo> s3://<b>/plain/big/\` with \`max_concurrent_requests = 16\`, \`multipart_threshold = multipart_chunksize = 64MB\` (the fastest client and settings found here; \`rclone copy --transfers 4 --s3-upload-concurrency 8 --s3-chunk-size 64M --s3-disable-checksum\` was slower) |
EOF
}

# daemon_row: the daemon's rescan pass as a row of the S2 table (mean pass time over the timed passes)
daemon_row() {
  printf '| %s | %s/%s passes | %s (mean; max %s) | – | – | %s | – | – | %s |\n' "segvault run (daemon rescan pass)" \
    "$(runs_ok s2 pass segvault-daemon)" "$(runs_all s2 pass segvault-daemon)" "$(fmt "$(mean s2 pass segvault-daemon 5)" 3)" \
    "$(fmt "$(maxof s2 pass segvault-daemon 5)" 3)" "$(fmt "$(maxof s2 daemon segvault-daemon 8)" 0)" \
    "$(cat "$WORK/s2-daemon-requests" 2>/dev/null || echo '–')"
}

hash_line() {
  local w=$1 m
  m=$(med limits hash "$w" 7)
  [ -n "$m" ] && printf '| %s | %s MiB/s |\n' "$w" "$(fmt "$m" 0)"
  return 0
}

report() {
  local sv best bp s2sv s2best s3med s3ret rss big_r small_r s2_r s4_r
  echo "_Generated by \`scripts/bench.sh\` on $(date -u +%Y-%m-%dT%H:%MZ) in $((ELAPSED / 60)) min (install, build, server start and data included); scale **$SCALE**:"
  echo "big repository $BIG_MIB MiB of data ($(segments_of "$REPO_BIG"), default 500 MiB segments), small repository"
  echo "$SMALL_MIB MiB ($(segments_of "$REPO_SMALL"), \`max_segment_size 8M\`), $MANY_COUNT sealed segments in S2,"
  echo "$ROUNDS rounds per contender (order rotated each round), $COMMITS commits in S3. Raw rows: \`bench/results/results.tsv\`._"
  echo
  echo "**Noise.** The machine has 2 cores shared with other engineers running builds and tests while this ran (load"
  echo "averages below), and the S3 server runs on the same 2 cores as the client. Single runs vary by tens of percent;"
  echo "read medians, and ratios from the same run, not absolute numbers."
  echo
  echo "### Machine"
  echo
  machine
  echo
  echo "### Commands"
  echo
  commands
  echo
  echo "### S1: initial replication"
  echo
  echo "Throughput = repository size (bytes of its files) / wall time of the command, JVM or Python start included."
  echo "CPU columns are user+system seconds of the client process and of this run's radosgw + OSD during the run."
  echo
  echo "**Big repository, 500 MiB segments** ($(($(tree_bytes "$REPO_BIG") / 1048576)) MiB)"
  echo
  table s1 big "${CONTENDERS[@]}"
  echo
  echo "**Small repository, 8 MiB segments** ($(($(tree_bytes "$REPO_SMALL") / 1048576)) MiB)"
  echo
  table s1 small "${CONTENDERS[@]}"
  echo
  echo "### S2: nothing new ($MANY_COUNT segments offsite)"
  echo
  table s2 nothing segvault aws rclone rclone-check
  daemon_row
  echo
  echo "The daemon row: $(runs_ok s2 pass segvault-daemon) rescan passes of \`segvault run\` (after its first, full pass), mean"
  echo "$(fmt "$(mean s2 pass segvault-daemon 5)" 3) s, median $(fmt "$(med s2 pass segvault-daemon 5)" 3) s, max $(fmt "$(maxof s2 pass segvault-daemon 5)" 3) s;"
  echo "requests to the server during them: $(cat "$WORK/s2-daemon-requests" 2>/dev/null || echo '?'); peak RSS of the daemon $(fmt "$(maxof s2 daemon segvault-daemon 8)" 0) MiB."
  echo
  echo "First upload of those $MANY_COUNT small segments (one run each, for information):"
  echo
  table s2 initial segvault rclone
  echo
  echo "### S3: commit-to-offsite latency (segvault run)"
  echo
  s3med=$(med s3 commit segvault 5) s3ret=$(med s3 return segvault 5)
  echo "| from | commits ok | median s | min s | max s |"
  echo "|---|---|---|---|---|"
  printf '| %s | %s/%s | %s | %s | %s |\n' "borg's commit (mtime of index.T)" "$(runs_ok s3 commit segvault)" "$(runs_all s3 commit segvault)" \
    "$(fmt "$s3med" 2)" "$(fmt "$(values s3 commit segvault 5 | sort -g | head -1)" 2)" "$(fmt "$(maxof s3 commit segvault 5)" 2)"
  printf '| %s | %s/%s | %s | %s | %s |\n' "borg create returning" "$(runs_ok s3 return segvault)" "$(runs_all s3 return segvault)" \
    "$(fmt "$s3ret" 2)" "$(fmt "$(values s3 return segvault 5 | sort -g | head -1)" 2)" "$(fmt "$(maxof s3 return segvault 5)" 2)"
  echo
  echo "Daemon peak RSS over the scenario: $(fmt "$(maxof s3 daemon segvault 8)" 0) MiB."
  echo
  echo "### S4: restore of the big repository"
  echo
  table s4 big "${CONTENDERS[@]}"
  echo
  echo "### Limits of this machine"
  echo
  echo "| one core hashing a $(($(find "$REPO_BIG/data" -type f -printf '%s\n' | sort -n | tail -1) / 1048576)) MiB segment (page cache) | throughput |"
  echo "|---|---|"
  hash_line sha256sum
  hash_line md5sum
  hash_line java-sha256
  hash_line java-md5
  echo
  echo "Server ingest ceiling: the fastest client at its best settings, big repository, one run; and the best single"
  echo "upload of the big repository by any contender in this run:"
  echo
  table limits ceiling aws-max
  echo
  echo "Best single S1 run of the big repository: $(fmt "$(awk -F'\t' '$1 == "s1" && $2 == "big" && $12 == 0 {print $7}' "$RESULTS" | sort -g | tail -1)") MiB/s."
  echo
  echo "### Targets"
  echo
  sv=$(med s1 big segvault 7) bp=$(best_peer s1 big 7 max aws rclone)
  big_r=$(ratio "$sv" "${bp%% *}")
  sv=$(med s1 small segvault 7) best=$(best_peer s1 small 7 max aws rclone)
  small_r=$(ratio "$sv" "${best%% *}")
  s2sv=$(med s2 nothing segvault 5) s2best=$(best_peer s2 nothing 5 min aws rclone rclone-check)
  s2_r=$(ratio "${s2best%% *}" "$s2sv")
  local s2d s2d_r
  s2d=$(mean s2 pass segvault-daemon 5)
  s2d_r=$(ratio "${s2best%% *}" "$s2d")
  sv=$(med s4 big segvault 7) bp4=$(best_peer s4 big 7 max aws rclone)
  s4_r=$(ratio "$sv" "${bp4%% *}")
  rss=$(maxof s1 big segvault 8)
  local rss_small
  rss_small=$(maxof s1 small segvault 8)
  [ -n "$rss_small" ] && [ -n "$rss" ] && rss=$(awk -v a="$rss" -v b="$rss_small" 'BEGIN {print (a > b) ? a : b}')
  echo "| scenario | target | measured | |"
  echo "|---|---|---|---|"
  echo "| S1, 500 MiB segments | segvault ≥ 1.0 x best peer | $big_r x (best peer: ${bp#* }) | $(meets "$big_r" '>=' 1.0) |"
  echo "| S1, 8 MiB segments | segvault ≥ 1.0 x best peer | $small_r x (best peer: ${best#* }) | $(meets "$small_r" '>=' 1.0) |"
  echo "| S2, nothing new: daemon rescan pass (\`segvault run\`, how segvault decides in operation) | ≥ 20 x faster than best peer | $s2d_r x (mean pass $(fmt "$s2d" 3) s; best peer: ${s2best#* }, $(fmt "${s2best%% *}" 2) s) | $(meets "$s2d_r" '>=' 20) |"
  echo "| S2, nothing new: one-shot \`segvault sync\` (JVM start included) | segvault < 1 s | $(fmt "$s2sv" 2) s | $(meets "$s2sv" '<' 1) |"
  echo "| S2, nothing new: one-shot \`segvault sync\` | ≥ 20 x faster than best peer | $s2_r x (JVM start included) | $(meets "$s2_r" '>=' 20) |"
  echo "| S3, latency | median < 5 s | $(fmt "$s3med" 2) s | $(meets "$s3med" '<' 5) |"
  echo "| S4, restore | segvault ≥ 1.0 x best peer | $s4_r x (best peer: ${bp4#* }) | $(meets "$s4_r" '>=' 1.0) |"
  echo "| S5, memory | S1 completes with ${SEGVAULT_JAVA_OPTS[0]:-JVM defaults}, peak RSS < 400 MiB | $(runs_ok s1 big segvault)+$(runs_ok s1 small segvault)/$((2 * ROUNDS)) runs ok, peak $(fmt "$rss" 0) MiB | $(meets "$(fmt "$rss" 0)" '<' 400) |"
  if [ -s "$WORK/notes" ]; then
    echo
    echo "Notes from the run:"
    echo
    sed 's/^/- /' "$WORK/notes"
  fi
}

# update_doc FILE GENERATED_MD: replace the text between the markers; create the file or append our section
# (heading + markers) when they are missing. Other sections of the file are kept as they are.
update_doc() {
  local doc=$1 gen=$2 tmp
  tmp=$(mktemp)
  if [ -f "$doc" ] && grep -qF "$BEGIN_MARK" "$doc"; then
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v g="$gen" '
      $0 == b { print; while ((getline line < g) > 0) print line; skip = 1; next }
      $0 == e { skip = 0 }
      !skip { print }' "$doc" >"$tmp"
  else
    { [ -f "$doc" ] && cat "$doc" && echo
      echo "$DOC_HEADING"; echo
      echo "Reproduce with \`scripts/bench.sh\` (see bench/README.md). Everything between the markers below is"
      echo "rewritten by each run."; echo
      echo "$BEGIN_MARK"; cat "$gen"; echo "$END_MARK"; } >"$tmp"
  fi
  mv "$tmp" "$doc"
}
