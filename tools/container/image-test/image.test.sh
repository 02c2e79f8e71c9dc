#!/usr/bin/env bash
# The image's test, run by the Containerfile's `test` stage on the runtime stage's files, as the
# image's user: the image's command (on loopback and a free port) serves the default scenario,
# passes the image's health check, lists the installed scenarios and stops cleanly on SIGTERM;
# `hnemu conform` runs the reference Twilio client, written with the official SDK, through the
# whole happy path and writes its JUnit report. A build step shares the host's network, so all
# of it binds loopback port 0 and is stopped before the step ends.
# Usage: image.test.sh SUMMARY_FILE   (what passed, one line each)
set -euo pipefail
summary=$1
work=$(mktemp -d)
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "image test: FAIL: $*" >&2; exit 1; }
passed() { echo "image test: $*" | tee -a "$summary"; }
# A JSON answer, compact, for grep -F.
get() {
  node --input-type=module -e 'const answer = await fetch(process.argv[1]);
    if (!answer.ok) throw new Error(`${answer.status} from ${process.argv[1]}`);
    process.stdout.write(JSON.stringify(await answer.json()));' "$1"
}

: >"$summary"
[ "$(id -un)" = hnemu ] || fail "run as $(id -un), not the image's user hnemu"
passed "$(hnemu --version), as user hnemu"

cd /var/lib/hnemu  # the image's working folder
hnemu serve --host 127.0.0.1 --port 0 --scenario /usr/share/hnemu/scenarios/default.yaml \
  >"$work/serve.out" 2>"$work/serve.err" &
server=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^hnemu listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || fail "hnemu serve exited: $(cat "$work/serve.err")"
  sleep 0.1
done
[ -n "$url" ] || fail "hnemu serve did not say where it listens"
hnemu-healthcheck "${url##*:}" || fail "the image's health check failed against $url"
passed "the image's command serves the default scenario and passes the health check"
get "$url/__hnemu/scenario" | grep -qF '"source":"/usr/share/hnemu/scenarios/default.yaml"' ||
  fail "the default scenario is not loaded: $(get "$url/__hnemu/scenario")"
get "$url/__hnemu/scenarios" | grep -qF '"directory":"/usr/share/hnemu/scenarios"' ||
  fail "the scenario picker does not list the installed scenarios"
passed "the console's scenario picker lists /usr/share/hnemu/scenarios"
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=
[ "$status" = 0 ] || fail "hnemu serve exited $status on SIGTERM: $(cat "$work/serve.err")"
grep -qF "hnemu stopping (SIGTERM)" "$work/serve.out" || fail "no clean stop on SIGTERM"
passed "SIGTERM stops it cleanly (exit status 0)"

hnemu conform --junit "$work/junit.xml" /usr/share/hnemu/scenarios/twilio/happy_path.yaml \
  -- node /image-test/clients/twilio.mjs >"$work/conform.out" 2>&1 ||
  { cat "$work/conform.out"; fail "hnemu conform: the Twilio SDK flow did not pass"; }
grep -qF 'failures="0"' "$work/junit.xml" || fail "the JUnit report records a failure"
passed "hnemu conform: the official Twilio SDK ($(node -p 'require("/image-test/node_modules/twilio/package.json").version')) through twilio/happy_path, JUnit report written"
