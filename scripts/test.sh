#!/usr/bin/env bash
# scripts/test.sh [extra Maven arguments]
#
# The project's test command: installs what the tests need when it is missing (borgbackup and
# the Ceph packages, via apt-get as root), starts the local S3 server with Object Lock, runs
# `./mvnw -B verify` against it (unit tests + integration tests), always stops the server again,
# and exits with Maven's exit code.
#
# SEGVAULT_KEEP_S3=1 leaves a server running that this script started (for quick re-runs).
set -euo pipefail
cd "$(dirname "$0")/.."

msg() { printf '[test.sh] %s\n' "$*" >&2; }

need=()
command -v borg >/dev/null || need+=(borgbackup)
command -v curl >/dev/null || need+=(curl)
command -v ssh >/dev/null || need+=(openssh-client)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus >/dev/null || need+=(prometheus)
[ -x /usr/sbin/sshd ] || need+=(openssh-server) # pull mode's ITs start their own sshd (agent/.../pull/SftpServer.java)
# DebianPackageIT: lintian checks the .deb; dpkg-deb rebuilds it at a higher version; pgrep, runuser and adduser
# (the package's postinst) are in most Debian installs already
command -v lintian >/dev/null || need+=(lintian)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v pgrep >/dev/null || need+=(procps)
command -v adduser >/dev/null || need+=(adduser)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { msg "missing ${need[*]}; install as root: apt-get install ${need[*]}"; exit 2; }
  msg "installing ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export AWS_EC2_METADATA_DISABLED=true
msg "$(borg --version)"

started=0
if scripts/s3-server.sh status; then
  msg "using the S3 server that is already running"
else
  started=1
fi
stop_server() {
  if [ "$started" = 1 ] && [ "${SEGVAULT_KEEP_S3:-0}" != 1 ]; then scripts/s3-server.sh stop || true; fi
}
trap stop_server EXIT
eval "$(scripts/s3-server.sh start)"

set +e
./mvnw -B verify "$@"
rc=$?
set -e
msg "maven exited $rc"
exit $rc
