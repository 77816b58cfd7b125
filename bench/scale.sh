# shellcheck shell=bash
# bench/scale.sh: the scale scenario (S6) of scripts/bench.sh (sourced). For each size in SCALE_SIZES, a Borg
# repository of that many sealed segments made by real borg (max_segment_size 1, as S2's), then, with the launcher
# and its default options against rclone: the initial replication, a pass with nothing new, a pass after one
# `borg create` of 100 KiB (time and the bytes it uploaded), and a restore of the newest point. Rows "s6 <step>-<n>".

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
    measure s6 "restore-$n" segvault 1 "$bytes" "${SV[@]}" restore --bucket "$b" --endpoint "$ENDPOINT" --prefix borg/ \
      --repo "scale$n" --target "$WORK/restore/s6-$n-segvault"
    measure s6 "restore-$n" rclone 1 "$bytes" "${RCLONE[@]}" "bench:$bpeer/plain/scale$n" "$WORK/restore/s6-$n-rclone"
    rm -rf "$WORK/restore/s6-$n-segvault" "$WORK/restore/s6-$n-rclone" "$repo"
  done
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
  done
}
