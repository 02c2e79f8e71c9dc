// What the reference clients share: the harness's environment, a webhook receiver that checks
// signatures, retries that honour Retry-After, the outcome report, and a wake-up on webhooks.
import http from 'node:http';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';

export const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set (run me with hnemu conform)`);
  return value;
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (...args) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...args);

// Writes the outcome where the harness reads it, and exits.
export function finish(status, code = 0) {
  log(`outcome: ${status}`);
  if (process.env.HNEMU_REPORT_FILE) writeFileSync(process.env.HNEMU_REPORT_FILE, JSON.stringify({ status }));
  process.exit(code);
}

// A receiver on loopback. `verify(record)` (or the promise it returns) says whether the signature is genuine: forged
// deliveries get 403 and are not acted on. Every genuine one wakes whoever awaits `next()`.
export async function startReceiver(verify) {
  // A webhook that arrives while the client is busy is remembered, so the next wait ends at once.
  let wake = null;
  let missed = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', async () => {
      const record = { method: req.method, path: req.url, headers: req.headers, body };
      let genuine = false;
      try { genuine = Boolean(await verify(record)); } catch (error) { log(`signature check failed: ${error.message}`); }
      res.statusCode = genuine ? 200 : 403;
      res.end(genuine ? 'ok' : 'forbidden');
      if (genuine && wake) wake();
      else if (genuine) missed = true;
      if (!genuine) log(`rejected a webhook with a bad signature: ${req.method} ${req.url}`);
    });
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    // Resolves on the next genuine webhook or after `ms`, whichever comes first.
    next: (ms) => new Promise((resolve) => {
      if (missed) {
        missed = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => { wake = null; resolve(); }, ms);
      wake = () => { clearTimeout(timer); wake = null; resolve(); };
    }),
    close: () => server.close(),
  };
}

const retryable = (status) => status === 429 || status >= 500;

// Runs `call` until it succeeds, retrying rate limits, server errors and dropped connections
// with backoff (Retry-After when given, in seconds); other errors are thrown to the caller.
export async function withRetries(what, call, { attempts = 6, statusOf, retryAfterOf } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const status = statusOf(error);
      const transient = status === undefined || retryable(status);
      if (!transient || attempt >= attempts) throw error;
      const retryAfter = Number.parseFloat(retryAfterOf(error) ?? '');
      const wait = Number.isFinite(retryAfter) ? retryAfter * 1000 : 25 * 2 ** attempt;
      log(`${what}: ${status ?? 'connection error'}; retrying in ${wait} ms`);
      await sleep(wait);
    }
  }
}
