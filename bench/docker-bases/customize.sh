#!/bin/sh
# mmdebstrap customize hook of bench/docker-bases.ts, run with the new root file system as $1:
#  1. copies the configuration of Docker's official Debian images (apt.conf.d/ and dpkg.cfg.d/ beside this file) in;
#  2. removes apt's binary caches (mmdebstrap's cleanup runs apt with that configuration, which names no cache files);
#  3. writes what the base was made from to $BENCH_VERSIONS_FILE: a "# release <suite> <version> <date>" line per
#     Release file apt read, then "<package> <version>" per installed package.
set -eu
root="$1"
here=$(dirname "$(readlink -f "$0")")
install -m 0644 "$here"/apt.conf.d/* "$root/etc/apt/apt.conf.d/"
install -m 0644 "$here"/dpkg.cfg.d/* "$root/etc/dpkg/dpkg.cfg.d/"
rm -f "$root"/var/cache/apt/*.bin
{
  for f in "$root"/var/lib/apt/lists/*_InRelease "$root"/var/lib/apt/lists/*_Release; do
    [ -e "$f" ] || continue
    suite=$(sed -n 's/^Suite: //p' "$f" | head -1)
    version=$(sed -n 's/^Version: //p' "$f" | head -1)
    date=$(sed -n 's/^Date: //p' "$f" | head -1)
    echo "# release ${suite:-?} ${version:--} ${date:-?}"
  done
  dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Package} ${Version}\n'
} > "$BENCH_VERSIONS_FILE"
