// The harness must be able to say no: `hnemu conform` runs the deliberately broken client in
// each of its modes and must fail exactly the expectations that catch it, with clear messages.
// Usage: node broken.test.mjs path/to/hnemu
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSteps } from './lib/hnemu.mjs';

const binary = process.argv[2];
const here = new URL('.', import.meta.url).pathname;
const scenarios = join(here, '..', 'scenarios', 'twilio');
const workdir = mkdtempSync(join(tmpdir(), 'hnemu-broken-'));

function conform(mode, scenario) {
  const report = join(workdir, `${mode}.json`);
  const result = spawnSync(binary, ['conform', '--client-timeout', '4s', '--json', report, join(scenarios, scenario),
    '--', 'node', join(here, 'clients', 'broken.mjs')], { env: { ...process.env, BROKEN_MODE: mode }, encoding: 'utf8' });
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const failed = json.scenarios[0].expectations.filter((e) => !e.passed);
  return { status: result.status, stdout: result.stdout, failed };
}

const ok = await runSteps([
  ['tight polling: the poll-rate limit fails', async () => {
    const run = conform('tight-poll', 'happy_path.yaml');
    assert.equal(run.status, 1, run.stdout);
    const rate = run.failed.find((e) => e.what === 'GET /v2/HostedNumber/Orders/*: at most 30 per 1h of virtual time');
    assert.ok(rate, run.stdout);
    assert.match(rate.actual, /^\d+ in the 1h from /);
    assert.ok(Number.parseInt(rate.actual, 10) > 30);
    // On a quiet machine the loop also holds the clock still, so the client runs out of time.
    assert.match(run.stdout, /FAIL GET \/v2\/HostedNumber\/Orders\/\*: at most 30 per 1h of virtual time/);
  }],
  ['ignoring failure: the client never stops and never reports', async () => {
    const run = conform('ignore-failure', 'carrier_rejected.yaml');
    assert.equal(run.status, 1, run.stdout);
    assert.deepEqual(run.failed.map((e) => e.actual), ['was still running after 4s and was killed', 'no report']);
  }],
  ['ignoring signatures: the forged callback was accepted', async () => {
    const run = conform('ignore-signatures', 'happy_path.yaml');
    assert.equal(run.status, 1, run.stdout);
    assert.deepEqual(run.failed.map((e) => [e.what, e.actual]), [[
      'webhooks about +14155550100: forged signatures are rejected', '1 of 1 forged deliveries accepted with a 2xx']]);
  }],
]);
process.exit(ok ? 0 : 1);
