#!/bin/sh
# packaging/deb/stage.sh OUT VERSION MAINTAINER: the generated files of the Debian package, called by the agent
# module's build (agent/pom.xml, before jdeb assembles the .deb): OUT/changelog.gz naming the package version
# and MAINTAINER, and OUT/segvault.1.gz, both compressed the way Debian wants (gzip -9n: no name or
# time stamp in the header, so two builds of the same sources give the same bytes).
set -eu
[ $# -eq 3 ] || { echo "usage: $0 OUT VERSION MAINTAINER" >&2; exit 2; }
out=$1 version=$2 maintainer=$3
# the Maven version as a Debian version, as jdeb writes it into the package: 0.1.0-SNAPSHOT is 0.1.0~SNAPSHOT,
# which sorts before the release 0.1.0
case $version in
    *-SNAPSHOT) version=${version%-SNAPSHOT}~SNAPSHOT ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# the date of the last commit (the build's own date would change the bytes of every build); RFC 5322 form
date=$(git -C "$here" log -1 --format=%cD 2>/dev/null || true)
[ -n "$date" ] || date=$(LC_ALL=C date -u -R -d @0)
sed -e "s|@VERSION@|$version|" -e "s|@MAINTAINER@|$maintainer|" -e "s|@DATE@|$date|" "$here/changelog" \
    | gzip -9n > "$out/changelog.gz"
gzip -9n < "$here/segvault.1" > "$out/segvault.1.gz"
