# shellcheck shell=bash
# bench/data.sh: the data set of scripts/bench.sh (sourced). Input bytes are deterministic (AES-128-CTR key
# stream of a fixed key per file: incompressible, the same on every run); the Borg repositories built from
# them differ between runs only in borg's own random parts (repository id, key, archive timestamps).

# gen_bytes FILE SEED INDEX MIB: MIB MiB of key stream, key derived from SEED and INDEX
gen_bytes() {
  local key
  key=$(printf '%016x%016x' "$2" "$3")
  # a finite input (not /dev/zero | head), so no SIGPIPE under pipefail; CTR mode: output size = input size
  head -c "$(($4 * 1048576))" /dev/zero \
    | openssl enc -aes-128-ctr -nosalt -K "$key" -iv 00000000000000000000000000000000 -out "$1"
}

# gen_tree DIR SEED MIB: MIB MiB in files of at most 64 MiB
gen_tree() {
  local dir=$1 seed=$2 left=$3 i=0 n
  mkdir -p "$dir"
  while [ "$left" -gt 0 ]; do
    n=$((left < 64 ? left : 64))
    gen_bytes "$dir/part-$(printf '%04d' "$i").bin" "$seed" "$i" "$n"
    left=$((left - n)) i=$((i + 1))
  done
}

# borg_repo REPO MAX_SEGMENT_SIZE|default: an encrypted repository (repokey-blake2), segment size as given
borg_repo() {
  borg init -e repokey-blake2 "$1" >>"$WORK/logs/borg-init.log" 2>&1 || die "borg init $1 failed: $(tail -3 "$WORK/logs/borg-init.log")"
  [ "$2" = default ] || borg config "$1" max_segment_size "$2"
}

# borg_archive REPO NAME SRC: one `borg create --compression none` of SRC
borg_archive() { (cd "$3" && borg create --compression none "$1::$2" .); }

# make_data: every repository of the benchmark, under $WORK/repos (REPO_BIG, REPO_SMALL, REPO_MANY, REPO_LAT)
make_data() {
  export BORG_BASE_DIR=$WORK/borg-home BORG_PASSPHRASE=segvault-bench BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
  REPO_BIG=$WORK/repos/big REPO_SMALL=$WORK/repos/small REPO_MANY=$WORK/repos/many REPO_LAT=$WORK/repos/lat
  mkdir -p "$WORK/repos" "$WORK/src"

  say "data: $BIG_MIB MiB into a repository with default 500 MiB segments ($REPO_BIG)"
  gen_tree "$WORK/src/big" 1 "$BIG_MIB"
  borg_repo "$REPO_BIG" default
  borg_archive "$REPO_BIG" a "$WORK/src/big"
  rm -rf "$WORK/src/big"

  say "data: $SMALL_MIB MiB into a repository with max_segment_size 8M ($REPO_SMALL)"
  gen_tree "$WORK/src/small" 2 "$SMALL_MIB"
  borg_repo "$REPO_SMALL" 8M
  borg_archive "$REPO_SMALL" a "$WORK/src/small"
  rm -rf "$WORK/src/small"

  say "data: about $MANY_SEGMENTS sealed segments ($REPO_MANY)"
  many_repo "$REPO_MANY" "$MANY_SEGMENTS"

  say "data: a small repository for the latency scenario ($REPO_LAT)"
  gen_tree "$WORK/src/lat" 3 4
  borg_repo "$REPO_LAT" 8M
  borg_archive "$REPO_LAT" first "$WORK/src/lat"

  # shellcheck disable=SC2034 # used by scenarios.sh
  BIG_BYTES=$(tree_bytes "$REPO_BIG") SMALL_BYTES=$(tree_bytes "$REPO_SMALL")
  MANY_COUNT=$(find "$REPO_MANY/data" -type f | wc -l)
  note "big: $(segments_of "$REPO_BIG"); small: $(segments_of "$REPO_SMALL"); many: $MANY_COUNT segments"
}

# many_repo DIR N: a repository of about N sealed segments in one `borg create` of N small files. max_segment_size 1:
# borg starts a new segment before every object once the current one is non-empty, so each small file (one chunk)
# lands in a segment of its own: one create makes them all, in seconds
many_repo() {
  local dir=$1 n=$2 src=$WORK/src/many-$2 d i f=0
  for ((d = 0; f < n; d++)); do
    mkdir -p "$src/d$d"
    for ((i = 0; i < 1000 && f < n; i++, f++)); do
      printf 'segvault benchmark file %d of directory %d\n' "$i" "$d" >"$src/d$d/f$i"
    done
  done
  borg_repo "$dir" 1
  borg_archive "$dir" a "$src"
  rm -rf "$src"
}

# "N segments, M MiB" of a repository
segments_of() {
  local n
  n=$(find "$1/data" -type f | wc -l)
  printf '%d segments, %d MiB' "$n" "$(($(tree_bytes "$1") / 1048576))"
}
