// The README's shell examples, run as written (every curl must answer 2xx) against a fresh
// `hnemu serve --scenario scenarios/default.yaml` (what tools/run starts), with its port for
// 4010; a `# "status": "…"` comment after a command is checked against what the commands print.
// Usage: node readme.test.mjs path/to/README.md (HNEMU_BINARY set).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { start } from './js/index.js';

const readme = process.argv[2];
const root = dirname(readme);
// A front door: short, and every file it names is in the repository.
const text = readFileSync(readme, 'utf8');
assert.ok(text.split('\n').length <= 200, `the README is ${text.split('\n').length} lines; at most 200`);
// Links in the prose: in a code block, `[&](int x)` is a C++ lambda.
const prose = text.replace(/```[\s\S]*?```/g, '');
for (const [, target] of prose.matchAll(/\]\(([^)#]+)\)/g)) {
  assert.ok(existsSync(join(root, target)), `the README links to ${target}, which is not there`);
}
assert.ok(!text.includes('../shared'), 'the README names nothing outside the repository');
const blocks = [...readFileSync(readme, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)]
  .map((match) => match[1])
  .filter((block) => block.includes('curl'));
assert.ok(blocks.length > 0, 'the README has shell examples with curl');

let failed = 0;
for (const block of blocks) {
  const hnemu = await start({ scenario: join(root, 'scenarios/default.yaml') });
  const port = new URL(hnemu.url).port;
  const script = `set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n${
    block.replaceAll('localhost:4010', `127.0.0.1:${port}`).replaceAll('127.0.0.1:4010', `127.0.0.1:${port}`)}`;
  const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60000 });
  await hnemu.stop();
  const expected = [...block.matchAll(/# "status": "([a-z-]+)"/g)].map((match) => match[1]);
  let seen = 0;
  for (const status of expected) {
    const at = run.stdout.indexOf(`"status":"${status}"`, seen);
    if (at < 0) {
      seen = -1;
      break;
    }
    seen = at + 1;
  }
  const ok = run.status === 0 && seen >= 0;
  failed += ok ? 0 : 1;
  console.log(`${ok ? 'ok' : 'not ok'} - ${block.split('\n')[0].slice(0, 70)}`);
  if (!ok) console.log(`  exit ${run.status}; expected statuses ${expected.join(', ')}\n${run.stdout}\n${run.stderr}`);
}
console.log(`${blocks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
