// A well-behaved Telnyx hosted-SMS client, written with the official SDK (>= 7.19) the way
// Telnyx documents the flow: check eligibility, create the order, prove ownership with the SMS
// code, upload the LOA and a bill, re-upload when review rejects a document, and stop at
// successful or any failure. Webhooks are verified with client.webhooks.unwrap (Ed25519);
// forged ones get 403. The SDK's own retries handle 429s, 5xx and dropped connections.
// HOSTED_NUMBERS lists the numbers (comma-separated), one order each.
// The owner's side comes from hnemu: the messaging profile's webhook URL is set through the
// control API (the Telnyx portal's job), and the SMS code is read from hnemu's inbox, as the
// owner would read it off the phone. OWNER_TYPES_WRONG_CODE=1 relays a wrong code instead.
import Telnyx, { toFile } from 'telnyx';
import { env, finish, log, sleep, startReceiver, withRetries } from './common.mjs';

const base = env('HNEMU_BASE_URL');
const control = env('HNEMU_CONTROL_URL');
const pollMs = Number(env('POLL_INTERVAL_MS', '250'));
const deadline = Date.now() + Number(env('CLIENT_DEADLINE_MS', '40000'));
const wrongCode = env('OWNER_TYPES_WRONG_CODE', '0') === '1';
const client = new Telnyx({
  apiKey: env('HNEMU_TELNYX_API_KEY'), baseURL: `${base}/v2`, publicKey: env('HNEMU_TELNYX_PUBLIC_KEY'), maxRetries: 4,
});
const orders = client.messagingHostedNumberOrders;

// unwrap rejects a bad signature or a stale timestamp.
const receiver = await startReceiver(async (record) => {
  await client.webhooks.unwrap(record.body, { headers: record.headers });
  return true;
});

async function controlCall(method, path, body) {
  const response = await fetch(`${control}${path}`, {
    method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const pdf = (name) => toFile(Buffer.from(`%PDF-1.4 ${name}\n%%EOF\n`), `${name}.pdf`);

async function ownerReadsCode(number) {
  const { messages } = await controlCall('GET', `/inbox?number=${encodeURIComponent(number)}`);
  return messages.at(-1)?.code;
}

async function proveOwnership(order, number) {
  for (let request = 1; request <= 3; request += 1) {
    await orders.createVerificationCodes(order.id, { phone_numbers: [number], verification_method: 'sms' });
    log(`${number}: SMS code requested (${request})`);
    for (let wait = 0; wait < 4; wait += 1) {
      await sleep(pollMs);
      const code = await ownerReadsCode(number);
      if (!code) continue;
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const typed = wrongCode ? String((Number(code) + attempt) % 100000).padStart(5, '0') : code;
        const { data } = await orders.validateCodes(order.id, { verification_codes: [{ phone_number: number, code: typed }] });
        const status = data.phone_numbers[0].status;
        log(`${number}: code ${typed} ${status}`);
        if (status === 'verified' || status === 'already_verified') return 'verified';
        const { data: now } = await orders.retrieve(order.id);
        const hosted = now.phone_numbers.find((n) => n.phone_number === number);
        if (hosted.status !== 'pending') return hosted.status;
      }
    }
  }
  return 'code-not-received';
}

const failures = new Set(['failed', 'carrier_rejected', 'ineligible_carrier', 'compliance_review_failed', 'deleted']);
const resubmit = new Set(['loa_file_invalid', 'incomplete_documentation', 'incorrect_billing_information']);

async function host(number, profileId) {
  const { phone_numbers: [eligibility] } = await orders.checkEligibility({ phone_numbers: [number] });
  if (!eligibility.eligible) {
    log(`${number}: not eligible: ${eligibility.eligible_status}`);
    return `ineligible-${eligibility.eligible_status}`;
  }
  let { data: order } = await orders.create({ messaging_profile_id: profileId, phone_numbers: [number] });
  log(`${number}: order ${order.id} is ${order.status}`);
  if (order.status !== 'pending') return order.status;
  const ownership = await proveOwnership(order, number);
  if (ownership !== 'verified') return ownership;
  let uploads = 0;
  for (;;) {
    if (Date.now() > deadline) return `gave-up-in-${order.status}`;
    if (order.status === 'pending' || (resubmit.has(order.status) && uploads < 3)) {
      if (uploads > 0) log(`${number}: review said ${order.status}; uploading the documents again`);
      uploads += 1;
      ({ data: order } = await orders.actions.uploadFile(order.id, { loa: await pdf('loa'), bill: await pdf('bill') }));
      continue;
    }
    if (order.status === 'successful') return 'successful';
    if (failures.has(order.status) || resubmit.has(order.status)) {
      const numbers = order.phone_numbers.map((n) => `${n.phone_number} ${n.status}`).join(', ');
      log(`${number}: order ${order.status} (${numbers})`);
      return order.status;
    }
    await receiver.next(pollMs);
    // The SDK retries failures before a response; a connection cut mid-body is ours to retry.
    ({ data: order } = await withRetries('fetch', () => orders.retrieve(order.id), {
      statusOf: (error) => error.status, retryAfterOf: (error) => error.headers?.['retry-after'],
    }));
  }
}

const profileId = 'conform-client-profile';
await controlCall('POST', '/telnyx/messaging-profiles', { id: profileId, name: 'conform client', webhook_url: receiver.url('/telnyx') });
const outcomes = [];
for (const number of env('HOSTED_NUMBERS').split(',')) {
  outcomes.push(await host(number.trim(), profileId));
}
receiver.close();
finish(outcomes.join(','), outcomes.some((o) => o.startsWith('gave-up')) ? 1 : 0);
