// `hnemu explore` against the reference clients (every run passes, every reachable transition is
// covered) and against clients that must fail (the deliberately broken one, one that only knows
// the happy path): they fail with reasons that say what went wrong, and the shortest failure,
// saved as a scenario, loads with `hnemu check` and fails the same way under `hnemu conform`.
// Usage: node explore.test.mjs path/to/hnemu reference twilio|telnyx|bandwidth
//        node explore.test.mjs path/to/hnemu broken|happy-path-only|client-config|bad-input
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSteps } from './lib/hnemu.mjs';

const [binary, mode, provider] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const clients = join(here, 'clients');
const workdir = mkdtempSync(join(tmpdir(), 'hnemu-explore-'));

function hnemu(args, env = {}) {
  const result = spawnSync(binary, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function explore(name, args, client, env = {}) {
  const json = join(workdir, `${name}.json`);
  const failure = join(workdir, `${name}.yaml`);
  const result = hnemu(['explore', ...args, '--json', json, '--save-failure', failure, '--', 'node', client], env);
  return { ...result, report: JSON.parse(readFileSync(json, 'utf8')), failure };
}

// A client that never ends is killed after this: long enough for a whole flow of a client that
// does end, on a 2-core machine busy with other builds.
const hangLimit = '10s';
const killed = `was still running after ${hangLimit} and was killed`;

const failedOf = (run) => run.expectations.filter((e) => !e.passed);
// The run of these world choices (names as plan.cpp makes them), without a provider fault.
const runNamed = (report, name) => report.runs.find((r) => (r.name === name || r.name.startsWith(`${name}_`))
  && !/_(429|503)$/.test(r.name));

// The saved scenario loads, and conform fails it on the same expectations explore did.
function reproduces(run, client, env = {}) {
  const checked = hnemu(['check', run.failure]);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  const shortest = run.report.runs.find((r) => r.run === run.report.shortest_failing.run);
  assert.equal(readFileSync(run.failure, 'utf8'), shortest.scenario);
  const json = join(workdir, 'conform.json');
  const conformed = hnemu(['conform', '--json', json, run.failure, '--', 'node', client], env);
  assert.equal(conformed.status, 1, conformed.stdout);
  const again = JSON.parse(readFileSync(json, 'utf8')).scenarios[0];
  assert.deepEqual(failedOf(again).map((e) => e.what), failedOf(shortest).map((e) => e.what), conformed.stdout);
}

const steps = {
  reference: [
    [`${provider}: the reference client passes every run, covering every reachable transition`, async () => {
      const run = explore(provider, ['--provider', provider, '-j', '2', '--budget', '50s'], join(clients, `${provider}.mjs`));
      const { summary } = run.report;
      assert.equal(run.status, 0, run.stdout);
      assert.equal(summary.failed, 0, run.stdout);
      assert.equal(summary.covered, summary.reachable, run.stdout);
      assert.match(run.stdout, new RegExp(`transitions covered: ${summary.reachable} of ${summary.reachable} reachable`));
      for (const each of run.report.runs) {
        assert.ok(each.passed, `${each.name}: ${JSON.stringify(failedOf(each))}`);
        assert.deepEqual(each.path, each.planned_path, each.name);
      }
      // Every unreachable transition says why.
      assert.ok(run.report.unreachable.every((u) => u.why && !u.why.startsWith('no world choice')), run.stdout);
      assert.equal(run.report.shortest_failing, null);
      console.log(run.stdout.slice(run.stdout.indexOf('\ntransitions covered:')).trim());
    }],
  ],
  broken: [
    ['accepting forged signatures fails the run that forges one, and the failure reproduces', async () => {
      const client = join(clients, 'broken.mjs');
      const env = { BROKEN_MODE: 'ignore-signatures' };
      const run = explore('ignore-signatures', ['--provider', 'twilio', '-j', '2', '--client-timeout', hangLimit], client, env);
      assert.equal(run.status, 1, run.stdout);
      const forged = run.report.runs.find((r) => r.perturbations.some((p) => p.includes('forged')));
      assert.deepEqual(failedOf(forged).filter((e) => e.what.includes('forged')).map((e) => e.actual),
        ['1 of 1 forged deliveries accepted with a 2xx'], run.stdout);
      assert.match(run.stdout, /the shortest failing run is run \d+/);
      reproduces(run, client, env);
    }],
    ['ignoring failure: the client never ends and keeps acting on a final order', async () => {
      const client = join(clients, 'broken.mjs');
      const run = explore('ignore-failure', ['--provider', 'twilio', '-j', '2', '--client-timeout', hangLimit], client,
        { BROKEN_MODE: 'ignore-failure' });
      assert.equal(run.status, 1, run.stdout);
      const rejected = runNamed(run.report, 'explore_carrier_rejects');
      const reasons = failedOf(rejected).map((e) => e.actual);
      assert.ok(reasons.includes(killed), JSON.stringify(reasons));
      assert.ok(reasons.some((r) => /^\d+ once it was failed/.test(r)), JSON.stringify(reasons));
    }],
  ],
  'happy-path-only': [
    ['a client that only knows the happy path fails every other run, and the failure reproduces', async () => {
      const client = join(clients, 'happy_path_only.mjs');
      const run = explore('happy-path-only', ['--provider', 'twilio', '-j', '2', '--client-timeout', hangLimit], client);
      assert.equal(run.status, 1, run.stdout);
      assert.ok(runNamed(run.report, 'explore_happy_path').passed, run.stdout);
      // A rejected carrier: it waits for completed, still asking about an order that failed.
      const rejected = failedOf(runNamed(run.report, 'explore_carrier_rejects')).map((e) => e.actual);
      assert.ok(rejected.includes(killed), JSON.stringify(rejected));
      assert.ok(rejected.some((r) => /^\d+ once it was failed/.test(r)), JSON.stringify(rejected));
      // A wrong code: it never asks for another call, so the order stops short of the planned path.
      const wrongCode = failedOf(runNamed(run.report, 'explore_wrong_code')).map((e) => e.actual);
      assert.ok(wrongCode.includes(killed), JSON.stringify(wrongCode));
      assert.ok(wrongCode.some((r) => r.startsWith('pending-verification (history')), JSON.stringify(wrongCode));
      // Refused (a mobile number): it does not handle the answer and crashes.
      const mobile = failedOf(runNamed(run.report, 'explore_mobile')).map((e) => e.actual);
      assert.deepEqual(mobile, ['exited with 1'], run.stdout);
      reproduces(run, client);
    }],
  ],
  'client-config': [
    ['declaring the final statuses it handles: runs that end elsewhere are reported, not judged', async () => {
      const config = join(workdir, 'client.yaml');
      writeFileSync(config, 'handles: [completed]\n');
      const run = explore('handles', ['--provider', 'twilio', '-j', '2', '--client-timeout', hangLimit,
        '--client-config', config], join(clients, 'happy_path_only.mjs'));
      const rejected = runNamed(run.report, 'explore_carrier_rejects');
      assert.equal(rejected.judged, false, run.stdout);
      assert.match(rejected.ended, /^not judged/);
      assert.match(run.stdout, /NOTE run \d+ explore_carrier_rejects/);
      assert.match(run.stdout, /not judged: it ends in failed, which the client config does not list under handles/);
      // A refused number ends in no final status: still judged, still failing.
      assert.equal(run.status, 1, run.stdout);
      assert.equal(runNamed(run.report, 'explore_mobile').passed, false);
    }],
    ['polling faster than the client config promises fails every run that polls', async () => {
      const config = join(workdir, 'gentle.yaml');
      writeFileSync(config, 'polls: {at_most: 2, per: 1h}\n');
      const run = explore('polls', ['--provider', 'twilio', '-j', '2', '--client-config', config],
        join(clients, 'twilio.mjs'));
      assert.equal(run.status, 1, run.stdout);
      const happy = failedOf(runNamed(run.report, 'explore_happy_path'));
      assert.deepEqual(happy.map((e) => e.what), ['the client with +14155550100: it reads its order at most 2 times per 1h of virtual time'], run.stdout);
      assert.match(happy[0].actual, /^\d+ in the 1h from /);
      // Refused at once, it reads nothing: that run passes.
      assert.ok(runNamed(run.report, 'explore_mobile').passed, run.stdout);
    }],
  ],
};

steps['bad-input'] = [
  ['an unknown provider, a report that cannot be written: exit 2 before any run', async () => {
    const unknown = hnemu(['explore', '--provider', 'sinch', '--', 'node', 'client.mjs']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--provider must be twilio, telnyx or bandwidth, not 'sinch'/);
    const unwritable = hnemu(['explore', '--provider', 'twilio', '--json', join(workdir, 'no/such/dir.json'),
      '--', 'node', 'client.mjs']);
    assert.equal(unwritable.status, 2);
    assert.match(unwritable.stderr, /cannot write .*no\/such\/dir\.json: No such file or directory/);
    assert.equal(unwritable.stdout, '');
  }],
  ['a client command that cannot be started is said once, and no other run starts', async () => {
    const json = join(workdir, 'no-client.json');
    const run = hnemu(['explore', '--provider', 'twilio', '--json', json, '--', '/nonexistent/client']);
    assert.equal(run.status, 2, run.stdout);
    assert.match(run.stderr, /the client command could not be started: \/nonexistent\/client/);
    assert.match(run.stdout, /cannot start '\/nonexistent\/client': No such file or directory/);
    const { runs } = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(runs.filter((r) => r.ended === 'ran').length, 1, JSON.stringify(runs.map((r) => r.ended)));
    assert.ok(runs.some((r) => r.ended === 'not run: the client command could not be started'));
  }],
  ['a client that hangs is killed at its time limit; one that exits at once fails, and faults have no step', async () => {
    const started = Date.now();
    const hung = hnemu(['explore', '--provider', 'bandwidth', '-j', '2', '--client-timeout', '1s', '--json',
      join(workdir, 'hung.json'), '--', 'sleep', '60']);
    assert.equal(hung.status, 1, hung.stdout);
    assert.ok(Date.now() - started < 30_000);
    const report = JSON.parse(readFileSync(join(workdir, 'hung.json'), 'utf8'));
    for (const each of report.runs.filter((r) => r.ended === 'ran')) {
      assert.equal(each.expectations[0].actual, 'was still running after 1s and was killed', each.name);
    }
    const quick = hnemu(['explore', '--provider', 'twilio', '--json', join(workdir, 'quick.json'), '--', 'true']);
    assert.equal(quick.status, 1, quick.stdout);
    assert.match(quick.stdout, /\(empty: the client made no request and was sent no webhook\)/);
    const faulted = JSON.parse(readFileSync(join(workdir, 'quick.json'), 'utf8')).runs.filter((r) => r.fault_step === null
      && r.perturbations.some((p) => /429|503/.test(p)));
    assert.equal(faulted.length, 2);
    assert.ok(faulted.every((r) => r.ended === 'not run: run 1 made no request a fault could single out'));
  }],
  ['SIGINT in the middle: the clients stop, the reports cover what finished, exit 130', async () => {
    const json = join(workdir, 'interrupted.json');
    // Under a name of its own, so that no other test's clients are taken for it.
    const client = join(workdir, 'interrupted-client.mjs');
    symlinkSync(join(clients, 'telnyx.mjs'), client);
    const child = spawn(binary, ['explore', '--provider', 'telnyx', '-j', '2', '--json', json, '--',
      'node', client], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const firstRun = new Promise((resolve) => child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('[1/')) resolve();
    }));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await firstRun;
    const signalled = Date.now();
    child.kill('SIGINT');
    assert.equal(await exited, 130, stdout);
    assert.ok(Date.now() - signalled < 10_000, `took ${Date.now() - signalled} ms to stop`);
    assert.match(stdout, /stopped by SIGINT/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.ok(report.runs.some((r) => r.ended === 'ran'), stdout);
    assert.ok(report.runs.some((r) => r.ended.startsWith('stopped')), stdout);
    // No client outlives it.
    const clientsLeft = spawnSync('pgrep', ['-f', client], { encoding: 'utf8' }).stdout.trim();
    assert.equal(clientsLeft, '', 'clients still running');
  }],
];

const ok = await runSteps(steps[mode]);
rmSync(workdir, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
