#!/usr/bin/env bash
# Builds the Debian package from a release build of this tree:
#   packaging/build-deb.sh [BUILD_DIR] [OUT_DIR]
# BUILD_DIR (default build) must hold a built tree (packaging/setup.sh build);
# the .deb lands in OUT_DIR (default dist) and its path is printed last.
# It holds fkvs-server, fkvs-cli and fkvs-benchmark in /usr/bin, the unit,
# /etc/fkvs/fkvs.conf set up for the service, and the logrotate file;
# postinst creates the fkvs user and /var/lib/fkvs and /var/log/fkvs.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
out_dir=${2:-dist}
version=$(sed -n "s/^  version: '\(.*\)',$/\1/p" meson.build)
arch=$(dpkg --print-architecture)
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
chmod 0755 "$staging"

binaries=(src/fkvs-server src/tools/cli/fkvs-cli src/tools/benchmark/fkvs-benchmark)
for binary in "${binaries[@]}"; do
  [ -x "$build_dir/$binary" ] || { echo "build-deb: $build_dir/$binary is missing" >&2; exit 1; }
  install -D -m 0755 -s "$build_dir/$binary" "$staging/usr/bin/$(basename "$binary")"
done
install -D -m 0644 packaging/fkvs.service "$staging/lib/systemd/system/fkvs.service"
install -D -m 0644 packaging/fkvs.logrotate "$staging/etc/logrotate.d/fkvs"
# The shipped config, pointed at the service's directories.
install -d "$staging/etc/fkvs"
sed -e 's|^dir .*|dir /var/lib/fkvs|' \
    -e 's|^logfile .*|logfile /var/log/fkvs/fkvs-server.log|' \
    -e 's|^pidfile .*|pidfile /run/fkvs/fkvs-server.pid|' \
    packaging/fkvs.conf > "$staging/etc/fkvs/fkvs.conf"
chmod 0640 "$staging/etc/fkvs/fkvs.conf"
install -D -m 0644 README.md "$staging/usr/share/doc/fkvs/README.md"

# The packages that hold the shared libraries the binaries load.
depends=$(for binary in "$staging"/usr/bin/*; do ldd "$binary"; done |
  awk '/=> \// { print $3 }' | sort -u |
  while read -r lib; do dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib"; done |
  cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')

install -d "$staging/DEBIAN"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$staging/DEBIAN/"
printf '/etc/fkvs/fkvs.conf\n/etc/logrotate.d/fkvs\n' > "$staging/DEBIAN/conffiles"
cat > "$staging/DEBIAN/control" <<CONTROL
Package: fkvs
Version: $version
Architecture: $arch
Maintainer: fkvs developers <fkvs@localhost>
Depends: $depends, passwd
Section: database
Priority: optional
Installed-Size: $(du -sk "$staging" | cut -f1)
Description: Redis-compatible key-value server
 fkvs-server speaks the Redis protocol (RESP2) with Redis 7.0's command
 semantics, so existing Redis clients work unchanged. Also contains
 fkvs-cli and fkvs-benchmark, which take redis-cli's and redis-benchmark's
 flags.
CONTROL

mkdir -p "$out_dir"
package="$out_dir/fkvs_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$staging" "$package" >/dev/null
echo "$package"
