#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed hnemu run from a folder with no
# scenarios of its own: it reports the build's version, checks the installed scenarios, and
# `hnemu serve` lists and loads them by default; the documentation is there; and all of it still
# holds after the prefix is moved.
# Usage: install.test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build_dir=$1 source_dir=$2 version=$3
work=$(cd "$(mktemp -d)" && pwd -P)  # the real path: hnemu finds its folder from /proc/self/exe
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A JSON answer on one line, without the blanks after its colons, for grep -F.
get() { curl -fsS "$@" | tr -d '\n' | sed -E 's/"[[:space:]]*:[[:space:]]*/":/g'; }

cmake --install "$build_dir" --prefix "$work/prefix" --component runtime >/dev/null

# The same scenario files as the repository's, and every README in the same folders.
(cd "$source_dir/scenarios" && find . -name '*.yaml' | sort) >"$work/expected-scenarios"
(cd "$work/prefix/share/hnemu/scenarios" && find . -type f | sort) >"$work/installed-scenarios"
diff "$work/expected-scenarios" "$work/installed-scenarios" || fail "installed scenarios differ"
(cd "$source_dir" && find README.md emulator scenarios conformance tools -name node_modules -prune \
  -o -name README.md -print | sort) >"$work/expected-docs"
(cd "$work/prefix/share/doc/hnemu" && find . -type f | sed 's|^\./||' | sort) >"$work/installed-docs"
diff "$work/expected-docs" "$work/installed-docs" || fail "installed documentation differs"

mkdir "$work/elsewhere"
cd "$work/elsewhere"

# Starts the hnemu under PREFIX on a free loopback port, checks that it lists and loads the
# scenarios installed there, and stops it with SIGTERM.
check_serve() {
  local prefix=$1
  "$prefix/bin/hnemu" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  local url=
  for _ in $(seq 100); do
    url=$(sed -n 's/^hnemu listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || fail "hnemu serve exited: $(cat "$work/serve.err")"
    sleep 0.1
  done
  [ -n "$url" ] || fail "hnemu serve did not say where it listens"
  get "$url/__hnemu/health" | grep -qF "\"version\":\"$version\"" || fail "health"
  local listed
  listed=$(get "$url/__hnemu/scenarios")
  grep -qF "\"directory\":\"$prefix/share/hnemu/scenarios\"" <<<"$listed" ||
    fail "serve does not default to the installed scenarios: $listed"
  grep -qF '"file":"twilio/happy_path.yaml"' <<<"$listed" || fail "happy_path not listed: $listed"
  ! grep -qF '"error"' <<<"$listed" || fail "an installed scenario does not load: $listed"
  get "$url/__hnemu/scenarios/load" -H 'Content-Type: application/json' \
    -d '{"file":"default.yaml"}' | grep -qF '"loaded":true' || fail "default.yaml does not load"
  kill -TERM "$server"
  local status=0
  wait "$server" || status=$?
  server=
  [ "$status" = 0 ] || fail "hnemu serve exited $status on SIGTERM"
}

[ "$("$work/prefix/bin/hnemu" --version)" = "hnemu $version" ] ||
  fail "hnemu --version is not 'hnemu $version'"
"$work/prefix/bin/hnemu" check $(find "$work/prefix/share/hnemu/scenarios" -name '*.yaml') >/dev/null
check_serve "$work/prefix"
mv "$work/prefix" "$work/moved"
check_serve "$work/moved"
echo "install: hnemu $version, its scenarios and documentation work from a moved prefix"
