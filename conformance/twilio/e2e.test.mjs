// The official twilio SDK (npm, 6.x) against `hnemu serve`: the whole hosted-number flow, its
// failure paths, bad input, and status callbacks checked with the SDK's own validateRequest.
// Usage: node twilio/e2e.test.mjs path/to/hnemu
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { runSteps, startHnemu, startReceiver } from '../lib/hnemu.mjs';

const binary = process.argv[2];
const ACCOUNT = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TOKEN = 'your_auth_token';
const ADDRESS = 'AD11111111111111111111111111111111';
const HAPPY = '+14153608311';
const WRONG_CODE = '+14153608322';
const REJECTED = '+18443608333';

const hnemu = await startHnemu(binary, ['--seed', '7', '--clock', 'manual']);
const receiver = await startReceiver((record) => (record.path.startsWith('/flaky') ? 500 : 200));

function sdkClient(sid = ACCOUNT, token = TOKEN) {
  const client = twilio(sid, token);
  // The documented way to point the SDK at another host: override each domain's base URL.
  client.numbers.baseUrl = hnemu.url;
  client.preview.baseUrl = hnemu.url;
  client.api.baseUrl = hnemu.url;
  return client;
}
const client = sdkClient();
const orders = client.numbers.v2.hostedNumberOrders;

async function expectRestError(promise, status, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.constructor.name, 'RestException', String(error));
    assert.equal(error.status, status, error.message);
    assert.equal(error.code, code, error.message);
    assert.equal(error.moreInfo, `https://www.twilio.com/docs/errors/${code}`);
    return true;
  });
}

async function createOrder(phoneNumber, extra = {}) {
  return orders.create({
    phoneNumber,
    contactPhoneNumber: '+12344444444',
    addressSid: ADDRESS,
    email: 'owner@example.com',
    friendlyName: `Hosting ${phoneNumber}`,
    ccEmails: ['a@example.com', 'b@example.com'],
    statusCallbackUrl: receiver.url(`/callbacks/${phoneNumber.slice(1)}`),
    ...extra,
  });
}

async function verifyOwnership(sid) {
  const pending = await orders(sid).update({
    status: 'pending-verification',
    verificationCallDelay: 5,
    verificationCallExtension: 'ww1',
  });
  assert.equal(pending.status, 'pending-verification');
  assert.match(pending.verificationCode, /^\d{6}$/);
  await hnemu.advance('1m');
  return pending;
}

const state = {};
const ok = await runSteps([
  ['health and version', async () => {
    const health = await hnemu.control('GET', '/health');
    assert.equal(health.status, 'ok');
    assert.equal(health.seed, 7);
  }],

  ['create an order: twilio-processing, with its incoming phone number', async () => {
    const order = await createOrder(HAPPY, { statusCallbackMethod: 'GET' });
    assert.match(order.sid, /^HR[0-9a-f]{32}$/);
    assert.equal(order.status, 'twilio-processing');
    assert.equal(order.phoneNumber, HAPPY);
    assert.deepEqual(order.ccEmails, ['a@example.com', 'b@example.com']);
    assert.equal(order.verificationAttempts, 0);
    assert.match(order.incomingPhoneNumberSid, /^PN[0-9a-f]{32}$/);
    assert.ok(order.dateCreated instanceof Date);
    state.happy = order;
  }],

  ['the eligibility check moves it to received in virtual time', async () => {
    await hnemu.advance('1m');
    assert.equal((await orders(state.happy.sid).fetch()).status, 'received');
  }],

  ['configure the hosted number before completion', async () => {
    const number = await client.incomingPhoneNumbers(state.happy.incomingPhoneNumberSid).update({
      smsUrl: 'https://example.com/sms',
      friendlyName: 'front desk',
    });
    assert.equal(number.origin, 'hosted');
    assert.equal(number.smsUrl, 'https://example.com/sms');
    const hosted = await client.incomingPhoneNumbers.list({ origin: 'hosted' });
    assert.deepEqual(hosted.map((n) => n.sid), [state.happy.incomingPhoneNumberSid]);
  }],

  ['verification call: the owner enters the right code', async () => {
    const pending = await verifyOwnership(state.happy.sid);
    const verified = await orders(state.happy.sid).fetch();
    assert.equal(verified.status, 'verified');
    assert.equal(verified.verificationAttempts, 1);
    const { calls } = await hnemu.control('GET', `/calls?to=${encodeURIComponent(HAPPY)}`);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].call_sid, verified.verificationCallSids[0]);
    assert.equal(calls[0].digits_entered, pending.verificationCode);
    assert.equal(calls[0].outcome, 'verified');
    assert.equal(calls[0].extension, 'ww1');
  }],

  ['authorization document: signing, orders pending-loa', async () => {
    const doc = await client.numbers.v2.authorizationDocuments.create({
      addressSid: ADDRESS,
      email: 'owner@example.com',
      contactPhoneNumber: '+12344444444',
      hostedNumberOrderSids: [state.happy.sid],
      ccEmails: ['cc@example.com'],
    });
    assert.match(doc.sid, /^PX[0-9a-f]{32}$/);
    assert.equal(doc.status, 'signing');
    assert.equal((await orders(state.happy.sid).fetch()).status, 'pending-loa');
    const dependents = await client.numbers.v2.authorizationDocuments(doc.sid)
      .dependentHostedNumberOrders.list();
    assert.deepEqual(dependents.map((o) => o.sid), [state.happy.sid]);
    state.doc = doc;
  }],

  ['signed, carrier-processing, testing, completed as the clock moves', async () => {
    await hnemu.advance('1h');
    assert.equal((await client.numbers.v2.authorizationDocuments(state.doc.sid).fetch()).status, 'signed');
    assert.equal((await orders(state.happy.sid).fetch()).status, 'carrier-processing');
    await hnemu.advance('1d');
    assert.equal((await orders(state.happy.sid).fetch()).status, 'testing');
    await hnemu.advance('1h');
    const done = await orders(state.happy.sid).fetch();
    assert.equal(done.status, 'completed');
    await expectRestError(orders(state.happy.sid).update({ status: 'pending-verification' }), 400, 22112);
  }],

  ['failure path: three wrong codes, action-required, failed after 7 days', async () => {
    await hnemu.control('PUT', `/twilio/numbers/${encodeURIComponent(WRONG_CODE)}`, { callee: 'enter-wrong-code' });
    const order = await createOrder(WRONG_CODE);
    await hnemu.advance('1m');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await verifyOwnership(order.sid);
      const after = await orders(order.sid).fetch();
      assert.equal(after.verificationAttempts, attempt);
      assert.equal(after.status, attempt < 3 ? 'pending-verification' : 'action-required');
      assert.notEqual(after.failureReason, '');
    }
    await expectRestError(orders(order.sid).update({ status: 'pending-verification' }), 400, 22100);
    const { calls } = await hnemu.control('GET', `/calls?to=${encodeURIComponent(WRONG_CODE)}`);
    assert.deepEqual(calls.map((c) => c.outcome), ['wrong-code', 'wrong-code', 'wrong-code']);
    await hnemu.advance('6d');
    assert.equal((await orders(order.sid).fetch()).status, 'action-required');
    await hnemu.advance('1d');
    const failed = await orders(order.sid).fetch();
    assert.equal(failed.status, 'failed');
    assert.match(failed.failureReason, /action-required for more than 7d/);
    state.failed = failed;
  }],

  ['failure path: the carrier rejects a toll-free number', async () => {
    await hnemu.control('PUT', `/twilio/numbers/${encodeURIComponent(REJECTED)}`, {
      carrier: { decision: 'reject', after: '2d' },
    });
    const order = await createOrder(REJECTED);
    await hnemu.advance('1m');
    await verifyOwnership(order.sid);
    await client.numbers.v2.authorizationDocuments.create({
      addressSid: ADDRESS, email: 'o@example.com', contactPhoneNumber: '+12344444444',
      hostedNumberOrderSids: [order.sid],
    });
    await hnemu.advance('1h');
    await hnemu.advance('2d');
    const rejected = await orders(order.sid).fetch();
    assert.equal(rejected.status, 'failed');
    assert.match(rejected.failureReason, /carrier rejected/);
  }],

  ['list follows absolute next_page_url page by page', async () => {
    const all = await orders.list({ pageSize: 1 });
    assert.equal(all.length, 3);
    const failed = await orders.list({ status: 'failed' });
    assert.equal(failed.length, 2);
    const journal = await hnemu.control('GET', '/journal');
    const pages = journal.entries.filter((e) => e.method === 'GET' && e.path === '/v2/HostedNumber/Orders' && e.query.includes('PageSize=1'));
    assert.equal(pages.length, 3);
  }],

  ['preview API create', async () => {
    const order = await client.preview.hosted_numbers.hostedNumberOrders.create({
      phoneNumber: '+14153608344', smsCapability: true,
    });
    assert.equal(order.status, 'twilio-processing');
    assert.equal(order.url, `${hnemu.url}/HostedNumbers/HostedNumberOrders/${order.sid}`);
  }],

  ['bad input gets Twilio errors through the SDK', async () => {
    await expectRestError(orders('HR00000000000000000000000000000000').fetch(), 404, 20404);
    await expectRestError(sdkClient(ACCOUNT, 'wrong-token').numbers.v2.hostedNumberOrders.list(), 401, 20003);
    await expectRestError(createOrder('4153608311'), 400, 21421);
    await expectRestError(createOrder('+442071838750'), 400, 22103);
    await expectRestError(createOrder(HAPPY), 400, 22110);
    await expectRestError(orders(state.failed.sid).update({ status: 'completed' }), 400, 22112);
    await expectRestError(orders(state.happy.sid).remove(), 400, 22112);
  }],

  ['bad input over raw HTTP: malformed body, no PhoneNumber, 10 MB', async () => {
    const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
    const post = (body) => fetch(`${hnemu.url}/v2/HostedNumber/Orders`, {
      method: 'POST', body, headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    for (const [body, status, code] of [['PhoneNumber=%zz', 400, 20001], ['Email=a%40b.c', 400, 20001],
      ['x'.repeat(10 * 1024 * 1024), 413, 20001]]) {
      const response = await post(body);
      assert.equal(response.status, status);
      const json = await response.json();
      assert.deepEqual(Object.keys(json).sort(), ['code', 'message', 'more_info', 'status']);
      assert.equal(json.code, code);
    }
    assert.equal((await hnemu.control('GET', '/health')).status, 'ok');
  }],

  ['every status callback arrived, signed, and passes twilio.validateRequest', async () => {
    const deliveries = await hnemu.settledWebhooks();
    assert.ok(deliveries.length >= 20, `only ${deliveries.length} deliveries`);
    assert.ok(deliveries.every((d) => d.state === 'delivered'), JSON.stringify(deliveries.filter((d) => d.state !== 'delivered')));
    assert.equal(receiver.received.length, deliveries.length);
    for (const record of receiver.received) {
      const url = receiver.url(record.path);
      const params = record.method === 'POST' ? Object.fromEntries(new URLSearchParams(record.body)) : {};
      assert.ok(twilio.validateRequest(TOKEN, record.headers['x-twilio-signature'], url, params),
        `bad signature on ${record.method} ${record.path}`);
    }
    const happy = receiver.received.filter((r) => r.path.startsWith(`/callbacks/${HAPPY.slice(1)}`));
    assert.ok(happy.every((r) => r.method === 'GET'));
    const statuses = happy.map((r) => new URL(r.path, 'http://x').searchParams.get('Status'));
    assert.deepEqual(statuses, ['twilio-processing', 'received', 'pending-verification', 'verified',
      'pending-loa', 'carrier-processing', 'testing', 'completed']);
  }],

  ['SIGTERM stops the server cleanly', async () => {
    assert.equal(await hnemu.stop(), 0);
  }],
]);

await receiver.close();
await hnemu.stop();
process.exit(ok ? 0 : 1);
