// Helpers shared by the SDK end-to-end tests: hnemu through its JavaScript package (js/), with
// the webhook waits these tests need, and a webhook receiver on loopback.
import http from 'node:http';
import { once } from 'node:events';
import { start } from '../js/index.js';

export async function startHnemu(binary, args = []) {
  const hnemu = await start({ binary, args });
  return Object.assign(hnemu, {
    // Retries wait on the virtual clock: move it until no delivery is waiting for one.
    async drainWebhooks(step = '10s', maxSteps = 50) {
      for (let i = 0; i < maxSteps; i += 1) {
        const { deliveries } = await hnemu.control('GET', '/webhooks');
        if (deliveries.some((d) => d.state === 'pending')) {
          await new Promise((r) => setTimeout(r, 20));
        } else if (deliveries.some((d) => d.state === 'retrying')) {
          await hnemu.control('POST', '/clock', { advance: step });
        } else {
          return deliveries;
        }
      }
      throw new Error('webhook retries did not finish');
    },
    // Webhooks go out on hnemu's own thread: wait (bounded) until none is pending or retrying.
    async settledWebhooks(expectedCount, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { deliveries } = await hnemu.control('GET', '/webhooks');
        const open = deliveries.filter((d) => d.state === 'pending' || d.state === 'retrying');
        if (open.length === 0 && (expectedCount === undefined || deliveries.length >= expectedCount)) {
          return deliveries;
        }
        if (Date.now() > deadline) {
          throw new Error(`webhooks did not settle: ${JSON.stringify(deliveries.slice(-3))}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  });
}

// A webhook receiver on 127.0.0.1:0 that records every request with its raw body.
export async function startReceiver(answer = () => 200) {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const record = { method: req.method, path: req.url, headers: req.headers, body };
      received.push(record);
      res.statusCode = answer(record);
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () => new Promise((r) => server.close(r)),
  };
}

// Runs named steps in order, printing one line each, and a closing count.
export async function runSteps(steps) {
  let passed = 0;
  let failed = 0;
  for (const [name, step] of steps) {
    try {
      await step();
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${(error && error.stack) || error}`);
      break;  // later steps build on earlier ones
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0;
}
