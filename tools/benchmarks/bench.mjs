// hnemu side by side with WireMock and Prism, on loopback, in one run (tools/bench drives this).
// Each server gets the same Twilio-shaped stub: fetch a Hosted Number Order, and create one.
// Ratios are "times better for hnemu": throughput hnemu/peer; time, latency and memory peer/hnemu.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';

const run = promisify(execFile);
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const HNEMU = args.hnemu;
const INPROCESS = args.inprocess;
const PEERS = args.peers;
const WORK = args.work;
const DURATION = Number(args.duration ?? 5);
const SUSTAINED = Number(args.sustained ?? 100000);
const AUTH = `Basic ${Buffer.from('ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:your_auth_token').toString('base64')}`;
const CREATE_BODY = 'ContactPhoneNumber=%2B12344444444&AddressSid=AD11111111111111111111111111111111&Email=owner%40example.com';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

function request(port, method, target, body) {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: target, agent: false,
      headers: { Authorization: AUTH, ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

// Resident memory of a process and all its descendants, in MiB.
function treeRssMiB(rootPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone */ }
  }
  let kib = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    try {
      const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
      if (match) kib += Number(match[1]);
    } catch { /* gone */ }
    stack.push(...(children.get(pid) ?? []));
  }
  return kib / 1024;
}

// Starts a server and measures wall time to its first successful create (201).
async function coldStart(name, command, commandArgs, port, options = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const deadline = Date.now() + 60000;
  for (;;) {
    const answer = await request(port, 'POST', '/v2/HostedNumber/Orders', `PhoneNumber=%2B12012000000&${CREATE_BODY}`);
    if (answer.status === 201) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return { name, child, port, coldStartMs: ms, created: answer.body };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${name} did not start: ${stderr.slice(-2000)}`);
    }
    await sleep(1);
  }
}

async function stop(server) {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await Promise.race([new Promise((r) => server.child.on('exit', r)), sleep(5000)]);
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

const WRK_SCRIPT = `
-- Same requests for every server. Creates use a fresh number each time (hnemu refuses a number
-- with an order in flight, as Twilio does): area code from the run and thread, then a counter.
local counter = 0
local thread_index = 0
local threads = {}
function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end
function init(args)
  mode = args[1]
  run_index = tonumber(args[2])
  thread_index = index or 0
  fetch_path = args[3]
end
function request()
  if mode == "fetch" then
    return wrk.format("GET", fetch_path, { Authorization = "${AUTH}" })
  end
  counter = counter + 1
  local area = 210 + run_index * 4 + thread_index
  local body = "PhoneNumber=%2B1" .. area .. (2000000 + counter) .. "&${CREATE_BODY}"
  return wrk.format("POST", "/v2/HostedNumber/Orders", {
    Authorization = "${AUTH}", ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
`;

function parseWrk(output) {
  const number = (re) => { const m = output.match(re); return m ? Number(m[1]) : NaN; };
  const latency = (q) => {
    const m = output.match(new RegExp(`^\\s*${q}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm'));
    if (!m) return NaN;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  return {
    requests: number(/(\d+) requests in/),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50: latency(50),
    p99: latency(99),
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socketErrors: (output.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/) ?? [0, 0, 0, 0, 0])
      .slice(1).reduce((a, b) => a + Number(b), 0),
  };
}

let runIndex = 0;
async function wrk(server, mode, connections, seconds, fetchPath) {
  const script = path.join(WORK, 'requests.lua');
  const threads = Math.min(2, connections);
  const { stdout } = await run('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script,
    `http://127.0.0.1:${server.port}`, '--', mode, String(runIndex++), fetchPath], { maxBuffer: 1 << 24 });
  return parseWrk(stdout);
}

function prismSpec(fetchPath, created, fetched) {
  return {
    openapi: '3.0.3',
    info: { title: 'Twilio Hosted Number Orders (stub)', version: '1' },
    paths: {
      '/v2/HostedNumber/Orders': {
        post: {
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
          responses: { 201: { description: 'created', content: { 'application/json': { example: JSON.parse(created) } } } },
        },
      },
      [fetchPath.replace(/HR[0-9a-f]{32}$/, '{Sid}')]: {
        get: {
          parameters: [{ name: 'Sid', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'fetched', content: { 'application/json': { example: JSON.parse(fetched) } } } },
        },
      },
    },
  };
}

function wiremockMappings(dir, fetchPath, created, fetched) {
  mkdirSync(path.join(dir, 'mappings'), { recursive: true });
  mkdirSync(path.join(dir, '__files'), { recursive: true });
  const headers = { 'Content-Type': 'application/json' };
  writeFileSync(path.join(dir, 'mappings', 'fetch.json'), JSON.stringify({
    request: { method: 'GET', urlPath: fetchPath }, response: { status: 200, body: fetched, headers } }));
  writeFileSync(path.join(dir, 'mappings', 'create.json'), JSON.stringify({
    request: { method: 'POST', urlPath: '/v2/HostedNumber/Orders' }, response: { status: 201, body: created, headers } }));
}

async function measure(server, fetchPath) {
  await sleep(1000);
  const result = { coldStartMs: server.coldStartMs, idleRss: treeRssMiB(server.child.pid), runs: {} };
  let served = 0;
  for (const connections of [1, 32]) {
    const r = await wrk(server, 'fetch', connections, DURATION, fetchPath);
    result.runs[`fetch c${connections}`] = r;
    served += r.requests;
  }
  // Sustained fetch load until the server has answered SUSTAINED requests, then its memory.
  const rate = result.runs['fetch c32'].rps || 1000;
  const remaining = Math.max(0, SUSTAINED - served);
  if (remaining > 0) {
    const seconds = Math.min(120, Math.max(2, Math.ceil((remaining / rate) * 1.15)));
    const r = await wrk(server, 'fetch', 32, seconds, fetchPath);
    served += r.requests;
    result.sustainedErrors = r.non2xx + r.socketErrors;
  }
  result.servedBeforeRss = served;
  result.rssAfterLoad = treeRssMiB(server.child.pid);
  for (const connections of [1, 32]) {
    result.runs[`create c${connections}`] = await wrk(server, 'create', connections, DURATION, fetchPath);
  }
  result.rssAfterCreates = treeRssMiB(server.child.pid);
  return result;
}

function fmt(value, digits = 0) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function table(results) {
  const names = Object.keys(results);
  const peers = names.filter((n) => n !== 'hnemu');
  const rows = [];
  const add = (label, pick, digits, higherIsBetter) => {
    const hnemu = pick(results.hnemu);
    const cells = [label, ...names.map((n) => fmt(pick(results[n]), digits))];
    for (const peer of peers) {
      const other = pick(results[peer]);
      const ratio = higherIsBetter ? hnemu / other : other / hnemu;
      cells.push(Number.isFinite(ratio) ? `${fmt(ratio, ratio < 10 ? 1 : 0)}x` : 'n/a');
    }
    rows.push(cells);
  };
  add('cold start to first 201 (ms)', (r) => r.coldStartMs, 0, false);
  add('idle RSS (MiB)', (r) => r.idleRss, 1, false);
  add(`RSS after ${fmt(SUSTAINED)}+ fetches (MiB)`, (r) => r.rssAfterLoad, 1, false);
  for (const run of ['fetch c1', 'fetch c32', 'create c1', 'create c32']) {
    add(`${run}: requests/s`, (r) => r.runs[run].rps, 0, true);
    add(`${run}: p50 latency (ms)`, (r) => r.runs[run].p50, 3, false);
    add(`${run}: p99 latency (ms)`, (r) => r.runs[run].p99, 3, false);
  }
  add('RSS after the create runs (MiB)', (r) => r.rssAfterCreates, 1, false);
  const header = ['measure', ...names, ...peers.map((p) => `hnemu vs ${p}`)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(path.join(WORK, 'requests.lua'), WRK_SCRIPT);
  const results = {};
  const errors = {};

  // hnemu first: its own answers become the peers' stubs, so every server sends the same bytes.
  const hnemuPort = await freePort();
  const hnemu = await coldStart('hnemu', HNEMU, ['serve', '--port', String(hnemuPort), '--clock', 'manual', '--seed', '1'], hnemuPort);
  const sid = JSON.parse(hnemu.created).sid;
  const fetchPath = `/v2/HostedNumber/Orders/${sid}`;
  const fetched = (await request(hnemuPort, 'GET', fetchPath)).body;
  results.hnemu = await measure(hnemu, fetchPath);
  errors.hnemu = Object.values(results.hnemu.runs).reduce((sum, r) => sum + r.socketErrors, 0);
  await stop(hnemu);

  const jar = readdirSync(path.join(PEERS, 'node_modules/wiremock/build')).find((f) => f.endsWith('.jar'));
  const wiremockDir = path.join(WORK, 'wiremock');
  wiremockMappings(wiremockDir, fetchPath, hnemu.created, fetched);
  const wiremockPort = await freePort();
  const wiremock = await coldStart('wiremock', 'java', ['-jar', path.join(PEERS, 'node_modules/wiremock/build', jar),
    '--port', String(wiremockPort), '--bind-address', '127.0.0.1', '--root-dir', wiremockDir, '--disable-banner'], wiremockPort);
  results.wiremock = await measure(wiremock, fetchPath);
  await stop(wiremock);

  const specPath = path.join(WORK, 'prism.json');
  writeFileSync(specPath, JSON.stringify(prismSpec(fetchPath, hnemu.created, fetched)));
  const prismPort = await freePort();
  const prism = await coldStart('prism', process.execPath, [path.join(PEERS, 'node_modules/@stoplight/prism-cli/dist/index.js'),
    'mock', specPath, '-h', '127.0.0.1', '-p', String(prismPort)], prismPort);
  results.prism = await measure(prism, fetchPath);
  await stop(prism);

  console.log(`\nhnemu vs WireMock and Prism, same machine, same run (${new Date().toISOString()}); wrk ${DURATION}s per row:\n`);
  table(results);
  const h = results.hnemu;
  const non2xx = Object.entries(h.runs).map(([k, r]) => `${k}: ${r.non2xx}`).join(', ');
  console.log(`\nhnemu non-2xx answers: ${non2xx}; socket errors: ${errors.hnemu}`);

  // Each store size in a fresh process: a size measured after another would grow into the heap
  // the other freed, and page faults (costly on a paravirtualized VM) would favour it.
  const runs = [['start_stop'], ['flow'], ['scaling'], ['session'], ...[100, 10000, 100000].map((n) => ['store', String(n)])];
  const inprocess = [];
  for (const [what, ...more] of runs) {
    const { stdout } = await run(INPROCESS, [what, WORK, ...more], { maxBuffer: 1 << 24 });
    inprocess.push(...stdout.trim().split('\n').map((l) => JSON.parse(l)));
  }
  console.log('\nIn process (hnemu::Emulator):');
  for (const r of inprocess) {
    if (r.bench === 'start_stop') {
      console.log(`  start+stop on port 0: median ${fmt(r.alone.p50_us / 1000, 2)} ms, p99 ${fmt(r.alone.p99_us / 1000, 2)} ms (${r.alone.n} rounds); ` +
        `with an idle keep-alive client: median ${fmt(r.with_keep_alive_client.p50_us / 1000, 2)} ms, p99 ${fmt(r.with_keep_alive_client.p99_us / 1000, 2)} ms`);
    } else if (r.bench === 'flow') {
      console.log(`  full Twilio lifecycle (create to completed, ${r.requests_per_flow} calls incl. clock): ${fmt(r.flows_per_second)} flows/s`);
    } else if (r.bench === 'scaling') {
      console.log(`  ${fmt(r.stored).padStart(7)} orders stored: fetch mean ${fmt(r.fetch.mean_us, 1)} us, list (page of ${r.page_items}) mean ${fmt(r.list_page_50.mean_us, 1)} us, RSS ${fmt(r.rss_kib / 1024, 1)} MiB`);
    }
  }
  const session = inprocess.find((r) => r.bench === 'session');
  if (session) {
    console.log(`\n--state over a session of ${fmt(session.inputs)} inputs (1,000 orders updated 100,000 times): ` +
      `the file ${fmt(session.history_bytes / 1048576, 1)} MiB uncompacted, ${fmt(session.snapshot_bytes / 1048576, 1)} MiB compacted; ` +
      `a restart ${fmt(session.restart_by_replay_us / 1000, 0)} ms replaying it, ${fmt(session.restart_from_snapshot_us / 1000, 0)} ms from the snapshot`);
  }
  const stores = inprocess.filter((r) => r.bench === 'store');
  if (stores.length) {
    console.log('\nStore-size scaling (in process; ms unless said):\n');
    const ms = (us) => fmt(us / 1000, 3);
    const rows = [
      ['--state create: mean', (r) => ms(r.state_file_create.mean_us)],
      ['--state create: p99', (r) => ms(r.state_file_create.p99_us)],
      ['--state create: max', (r) => ms(r.state_file_create.max_us)],
      ['checkpoint digest, whole state (before)', (r) => ms(r.whole_state_digest_us)],
      ['checkpoint digest, first (all resources)', (r) => ms(r.resource_digest_first_us)],
      ['checkpoint digest, after 1,000 changes', (r) => ms(r.resource_digest_after_1000_changes_us)],
      ['Telnyx 5,000-number order: median', (r) => ms(r.telnyx_5000_numbers.p50_us)],
      ['its fetch after a change (encoded): median', (r) => ms(r.telnyx_5000_numbers_fetch.encoded.p50_us)],
      ['its fetch again (the kept answer): median', (r) => ms(r.telnyx_5000_numbers_fetch.kept.p50_us)],
      ['console poll (one change): mean', (r) => ms(r.console_poll.mean_us)],
      ['console first read (all pages)', (r) => ms(r.console_first_read_us)],
      ['full GET /__hnemu/state', (r) => ms(r.full_state_us)],
      ['full state size (MiB)', (r) => fmt(r.full_state_bytes / 1048576, 1)],
      ['webhook enqueue, receiver silent: mean (us)', (r) => fmt(r.webhook_queue.enqueue.mean_us, 2)],
      ['--state snapshot taken (compaction)', (r) => ms(r.snapshot_taken_us)],
      ['a fetch meanwhile, longest wait', (r) => ms(r.fetch_longest_during_snapshot_us)],
      ['--state snapshot size (MiB)', (r) => fmt(r.snapshot_bytes / 1048576, 1)],
      ['restart from the snapshot', (r) => ms(r.restart_from_snapshot_us)],
      ['restart replaying the history (no snapshot)', (r) => ms(r.restart_by_replay_us)],
      ['RSS (MiB)', (r) => fmt(r.rss_kib / 1024, 1)],
    ];
    const head = ['measure', ...stores.map((r) => `${fmt(r.stored)} stored`)];
    const body = rows.map(([name, cell]) => [name, ...stores.map(cell)]);
    const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => String(row[i]).length)));
    const line = (row) => `| ${row.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${widths.map((w, i) => (i ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
    for (const row of body) console.log(line(row));
  }

  const fetchC32 = (n) => results[n].runs['fetch c32'].rps;
  const startStop = inprocess.find((r) => r.bench === 'start_stop');
  const checks = [
    ['fetch throughput >= 3x WireMock (32 connections)', fetchC32('hnemu') >= 3 * fetchC32('wiremock')],
    ['fetch throughput >= 20x Prism (32 connections)', fetchC32('hnemu') >= 20 * fetchC32('prism')],
    ['cold start < 50 ms', h.coldStartMs < 50],
    ['idle RSS < 20 MiB', h.idleRss < 20],
    ['in-process start+stop < 5 ms (median)', startStop.alone.p50_us < 5000],
    ['RSS bounded under fetch load (< 2x idle + 16 MiB)', h.rssAfterLoad < 2 * h.idleRss + 16],
    ['fetch p99 within 10x of p50 (32 connections)', h.runs['fetch c32'].p99 <= 10 * h.runs['fetch c32'].p50],
  ];
  const storeAt = (n) => stores.find((r) => r.stored === n);
  if (storeAt(100) && storeAt(10000) && storeAt(100000)) {
    checks.push(
      ['--state create at 10k stored within 2x of at 100', storeAt(10000).state_file_create.mean_us <= 2 * storeAt(100).state_file_create.mean_us],
      ['Telnyx 5,000-number order at 100k within 2x of at 100', storeAt(100000).telnyx_5000_numbers.p50_us <= 2 * storeAt(100).telnyx_5000_numbers.p50_us],
      ['console poll at 100k orders < 10 ms', storeAt(100000).console_poll.mean_us < 10000],
    );
  }
  console.log('\nTargets:');
  for (const [name, ok] of checks) console.log(`  ${ok ? 'met ' : 'MISSED'}  ${name}`);
  writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({ results, inprocess }, null, 2));
  console.log(`\nraw figures: ${path.join(WORK, 'results.json')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
