// hnemu for JavaScript test suites: starts a local `hnemu serve` on a free port (or connects to one
// already running, such as a CI service container), and wraps its control API (/__hnemu/...):
// reset, the virtual clock, scenarios and their expectations, the verification inbox and calls,
// the webhook log. It also builds the providers' official SDK clients already pointed at it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';

/** An answer of the control API that is not 2xx. */
export class HnemuError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = 'HnemuError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Starts `hnemu serve --port 0` and resolves once it listens.
 * options.binary: the hnemu executable (default: $HNEMU_BINARY, else `hnemu` on the PATH);
 * options.clock: 'manual' (default) | 'auto' | 'realtime'; options.seed; options.scenario: a
 * scenario file's path (loaded at start) or an object (loaded once it listens);
 * options.args: more `hnemu serve` flags; options.startTimeoutMs (default 15000).
 */
export async function start(options = {}) {
  const binary = options.binary ?? process.env.HNEMU_BINARY ?? 'hnemu';
  const args = ['serve', '--port', '0', '--clock', options.clock ?? 'manual'];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (typeof options.scenario === 'string') args.push('--scenario', options.scenario);
  args.push(...(options.args ?? []));
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hnemu did not start within ${options.startTimeoutMs ?? 15000} ms: ${output}`));
    }, options.startTimeoutMs ?? 15000);
    const read = (chunk) => {
      output += chunk;
      const match = output.match(/hnemu listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${binary} (set HNEMU_BINARY or options.binary): ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hnemu exited with ${code} before it listened: ${output}`));
    });
  });
  // A test run that ends without stop() leaves no hnemu behind.
  const cleanup = () => child.kill('SIGTERM');
  process.once('exit', cleanup);
  child.once('exit', () => process.off('exit', cleanup));
  const hnemu = new Hnemu(url, { child, adminToken: options.adminToken });
  if (options.scenario && typeof options.scenario === 'object') await hnemu.loadScenario(options.scenario);
  return hnemu;
}

/** A handle on an hnemu already running at `url` (e.g. a CI service container). */
export function connect(url, options = {}) {
  return new Hnemu(url.replace(/\/+$/, ''), { adminToken: options.adminToken });
}

export class Hnemu {
  constructor(url, { child, adminToken } = {}) {
    /** The base URL every SDK is pointed at: http://127.0.0.1:PORT */
    this.url = url;
    this.controlUrl = `${url}/__hnemu`;
    this.child = child;
    this.adminToken = adminToken;
  }

  /** One control API call; the parsed JSON answer, or an HnemuError. */
  async control(method, path, body, contentType = 'application/json') {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = contentType;
    if (this.adminToken) headers.Authorization = `Bearer ${this.adminToken}`;
    const response = await fetch(this.controlUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      throw new HnemuError(response.status, `${method} /__hnemu${path}: ${response.status} ${parsed?.error?.message ?? text}`, parsed);
    }
    return parsed;
  }

  /** Drops every resource, timer, journal entry and webhook; the clock goes back to its start. */
  reset(seed) { return this.control('POST', '/reset', seed === undefined ? {} : { seed }); }
  /** Moves the virtual clock ('90s', '1h', '7d', '1d12h'); timers due on the way fire. */
  advance(duration) { return this.control('POST', '/clock', { advance: duration }); }
  /** 'manual' | 'auto' | 'realtime' */
  setClock(mode) { return this.control('POST', '/clock', { mode }); }
  clock() { return this.control('GET', '/clock'); }

  /**
   * Fires every pending timer, in order, until none is left (or maxTimers fired), then waits for
   * webhooks in flight: the world runs to its end. Resolves to the number of timers fired.
   */
  async runUntilIdle({ maxTimers = 10000 } = {}) {
    let fired = 0;
    for (; fired < maxTimers; fired += 1) {
      const clock = await this.clock();
      if (!clock.next_timer) break;
      await this.control('POST', '/clock', { next_timer: true });
      await this.webhooksSettled();
    }
    return fired;
  }

  /** Waits (bounded) until no webhook is being delivered. */
  async webhooksSettled(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const deliveries = await this.webhooks();
      if (!deliveries.some((d) => d.state === 'pending')) return deliveries;
      if (Date.now() > deadline) throw new Error('webhooks did not settle');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Loads a scenario: a file's path (YAML) or an object; its world replaces the current one. */
  async loadScenario(scenario) {
    if (typeof scenario === 'string') {
      return this.control('PUT', '/scenario', await readFile(scenario, 'utf8'), 'application/yaml');
    }
    return this.control('PUT', '/scenario', scenario);
  }

  /** The loaded scenario's expectations judged now: { passed, expectations: [{what, passed, expected, actual}] }. */
  expectations() { return this.control('GET', '/expectations'); }

  /** Codes sent by SMS (Telnyx) that reached numbers, for one number or all. */
  async inbox(number) {
    return (await this.control('GET', `/inbox${number ? `?number=${encodeURIComponent(number)}` : ''}`)).messages;
  }

  /** Verification calls placed (Twilio), to one number or all, with the code read out. */
  async calls(number) {
    return (await this.control('GET', `/calls${number ? `?to=${encodeURIComponent(number)}` : ''}`)).calls;
  }

  /** Every webhook delivery with its attempts. */
  async webhooks() { return (await this.control('GET', '/webhooks')).deliveries; }
  /** The requests clients made. */
  async journal() { return (await this.control('GET', '/journal')).entries; }
  /** Every resource, or one provider's ('twilio', 'telnyx', 'bandwidth'). */
  state(provider) { return this.control('GET', `/state${provider ? `?provider=${provider}` : ''}`); }

  /** What each official SDK needs: credentials of each provider's first account and its base URL. */
  async sdkConfig() {
    const state = await this.state();
    const twilioAccount = state.twilio?.accounts?.[0] ?? {};
    const telnyxAccount = state.telnyx?.accounts?.[0] ?? {};
    const bandwidthAccount = state.bandwidth?.accounts?.[0] ?? {};
    return {
      // twilio-node has no base-URL option: each domain's baseUrl is set (see twilioClient).
      twilio: { accountSid: twilioAccount.sid, authToken: twilioAccount.auth_token, baseUrl: this.url },
      // telnyx >= 7.19; the public key verifies webhooks (client.webhooks.unwrap).
      telnyx: { apiKey: telnyxAccount.api_key, baseURL: `${this.url}/v2`, publicKey: state.telnyx?.public_key },
      // @bandwidth/numbers: the 6-argument constructor; the 4-argument one talks to production.
      bandwidth: {
        accountId: bandwidthAccount.account_id,
        username: bandwidthAccount.username,
        password: bandwidthAccount.password,
        apiEndPoint: `${this.url}/api`,
      },
    };
  }

  /** A twilio-node client on hnemu: `await hnemu.twilioClient(require('twilio'))`. */
  async twilioClient(twilio) {
    const { twilio: config } = await this.sdkConfig();
    const client = twilio(config.accountSid, config.authToken);
    client.numbers.baseUrl = config.baseUrl;
    client.preview.baseUrl = config.baseUrl;
    client.api.baseUrl = config.baseUrl;
    return client;
  }

  /** A telnyx client on hnemu: `await hnemu.telnyxClient(Telnyx)` (the default export). */
  async telnyxClient(Telnyx) {
    const { telnyx: config } = await this.sdkConfig();
    return new Telnyx({ apiKey: config.apiKey, baseURL: config.baseURL, publicKey: config.publicKey });
  }

  /** A @bandwidth/numbers client on hnemu: `await hnemu.bandwidthClient(require('@bandwidth/numbers'))`. */
  async bandwidthClient(numbers) {
    const { bandwidth: config } = await this.sdkConfig();
    return new numbers.Client(config.accountId, config.username, config.password, null, null,
      { apiEndPoint: config.apiEndPoint });
  }

  /** Stops the hnemu this handle started (SIGTERM); resolves to its exit code. A connected handle: nothing. */
  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const [code] = await once(this.child, 'exit');
    return code;
  }
}
