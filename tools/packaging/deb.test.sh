#!/usr/bin/env bash
# CPack's Debian package of this build: named hnemu at the build's version, depending on exactly
# the Debian packages of the libraries the binary links, and holding the binary, the scenarios
# and the documentation under /usr. (tools/image installs it into a fresh Debian 12 root file
# system and runs it there.)
# Usage: deb.test.sh BUILD_DIR VERSION
set -euo pipefail
build_dir=$1 version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$work" >"$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
deb=$(find "$work" -maxdepth 1 -name "hnemu_${version}_*.deb")
[ -n "$deb" ] || fail "no hnemu_${version}_*.deb: $(ls "$work")"

[ "$(dpkg-deb -f "$deb" Package)" = hnemu ] || fail "the package is not named hnemu"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"
# hnemu needs libcrypto (libssl3), httplib, yaml-cpp and pugixml besides the C and C++ runtimes.
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *\([^ ]*\).*/\1/' | sort | xargs)
expected="libc6 libcpp-httplib0.11 libgcc-s1 libpugixml1v5 libssl3 libstdc++6 libyaml-cpp0.7"
[ "$depends" = "$expected" ] || fail "Depends names '$depends', expected '$expected'"

dpkg-deb -c "$deb" | awk '{print $6}' >"$work/files"
for file in ./usr/bin/hnemu ./usr/share/hnemu/scenarios/default.yaml \
            ./usr/share/hnemu/scenarios/twilio/happy_path.yaml ./usr/share/doc/hnemu/README.md \
            ./usr/share/doc/hnemu/emulator/README.md; do
  grep -qxF "$file" "$work/files" || fail "$file is not in the package"
done
echo "deb: $(basename "$deb") depends on $(dpkg-deb -f "$deb" Depends)"
