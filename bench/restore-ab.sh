#!/bin/sh
# Restore speed before and after the bounded window, the journal and fsync (docs/benchmarks.md, "Restore
# durability"): alternates restores by the jar of main before the change (/tmp/bench-restore/segvault-old.jar),
# the new jar (segvault.jar), and the new jar without fsync, of a repository restore-fsync.sh already replicated
# (its bucket in /tmp/bench-restore/bucket, its prefix below). Prints: variant, round, seconds, exit, load average.
# Written for the one measurement on 2026-12-02; the paths are that run's. Not run by CI.
here=$(cd "$(dirname "$0")" && pwd)
eval "$("$here"/../scripts/s3-server.sh env)"
d=/tmp/bench-restore/ab; mkdir -p $d
cat > $d/cfg.yaml <<Y
bucket: $(cat /tmp/bench-restore/bucket)
endpoint: http://127.0.0.1:7480
region: us-east-1
pathStyle: true
prefix: fsync-1796216091381816932/
state: $d/state
repos:
  - {name: r, path: /tmp/bench-restore/big}
retention: {duration: 1d, generation: 1d}
metrics: {address: ""}
Y
opts="-Xmx256m -XX:+UseSerialGC -XX:Tier4InvocationThreshold=15000 -XX:Tier4CompileThreshold=20000"
for i in 1 2 3; do
  for v in old new new-nofsync; do
    case $v in old) jar=segvault-old.jar; x= ;; new) jar=segvault.jar; x= ;; *) jar=segvault.jar; x=-Dsegvault.restore.fsync=false ;; esac
    sync; s=$(date +%s%N)
    SEGVAULT_CDS=off SEGVAULT_JAR=/tmp/bench-restore/$jar SEGVAULT_JAVA_OPTS="$opts $x" "$here"/../bin/segvault restore --config $d/cfg.yaml --repo r --target $d/t-$v-$i --quiet > $d/out-$v-$i 2>&1; rc=$?
    e=$(date +%s%N)
    printf '%s\t%s\t%s\t%s\t%s\n' "$v" "$i" "$(awk -v a=$s -v b=$e 'BEGIN{printf "%.2f",(b-a)/1e9}')" "$rc" "$(cut -d' ' -f1 /proc/loadavg)"
    rm -rf $d/t-$v-$i
  done
done
