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
const SUB = 'ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const SUB_TOKEN = 'subaccount_token';
const SUB_NUMBER = '+14153608366';

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
    await expectRestError(createOrder('415360831'), 400, 21421);
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


  ['subaccounts: AccountSid puts the order in a subaccount, whose credentials see only its own', async () => {
    await hnemu.control('POST', '/twilio/accounts', { sid: SUB, auth_token: SUB_TOKEN, owner_account_sid: ACCOUNT });
    const order = await createOrder(SUB_NUMBER, {
      accountSid: SUB, statusCallbackUrl: receiver.url(`/sub-callbacks/${SUB_NUMBER.slice(1)}`),
    });
    assert.equal(order.accountSid, SUB);
    const sub = sdkClient(SUB, SUB_TOKEN);
    assert.equal((await sub.numbers.v2.hostedNumberOrders(order.sid).fetch()).accountSid, SUB);
    assert.deepEqual((await sub.numbers.v2.hostedNumberOrders.list()).map((o) => o.sid), [order.sid]);
    // numbers v2 has no account in its paths: the owner's credentials do not see it there ...
    await expectRestError(orders(order.sid).fetch(), 404, 20404);
    assert.ok(!(await orders.list()).some((o) => o.sid === order.sid));
    // ... but do in Api v2010, under the subaccount's path.
    const numbers = await client.api.v2010.accounts(SUB).incomingPhoneNumbers.list();
    assert.deepEqual(numbers.map((n) => n.sid), [order.incomingPhoneNumberSid]);
    await expectRestError(sub.api.v2010.accounts(ACCOUNT).incomingPhoneNumbers.list(), 404, 20404);
    // An unknown account, or the subaccount naming its owner: Twilio's 20003.
    await expectRestError(createOrder('+14153608367', { accountSid: 'ACcccccccccccccccccccccccccccccccc' }), 401, 20003);
    await expectRestError(sub.numbers.v2.hostedNumberOrders.create({
      phoneNumber: '+14153608367', contactPhoneNumber: '+12344444444', addressSid: ADDRESS,
      email: 'owner@example.com', accountSid: ACCOUNT,
    }), 401, 20003);
    await expectRestError(createOrder('+14153608367', { accountSid: 'AC123' }), 400, 20001);
    const preview = await client.preview.hosted_numbers.hostedNumberOrders.create({
      phoneNumber: '+14153608368', smsCapability: true, accountSid: SUB,
    });
    assert.equal(preview.accountSid, SUB);
    state.subOrder = order;
  }],

  ["phone numbers read as Twilio reads them: the quickstart's curl with a literal +", async () => {
    const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
    // curl -d "PhoneNumber=+18444905863": the + reaches the server unencoded, as a space.
    const response = await fetch(`${hnemu.url}/HostedNumbers/HostedNumberOrders`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'PhoneNumber=+18444905863&SmsCapability=true&FriendlyName=MyHostedNumberSmsOrder'
        + `&StatusCallbackUrl=${receiver.url('/quickstart')}&StatusCallbackMethod=POST`,
    });
    assert.equal(response.status, 201);
    assert.equal((await response.json()).phone_number, '+18444905863');
    const spelled = await client.preview.hosted_numbers.hostedNumberOrders.create({
      phoneNumber: '1 (844) 490-5864', smsCapability: true,
    });
    assert.equal(spelled.phoneNumber, '+18444905864');
    await expectRestError(client.preview.hosted_numbers.hostedNumberOrders.create({
      phoneNumber: ' 524155550100', smsCapability: true,
    }), 400, 21421);
  }],

  ['preview authorization documents: opened, edited, sent again and signed; another deleted', async () => {
    const previewOrders = client.preview.hosted_numbers.hostedNumberOrders;
    const verified = [];
    for (const phoneNumber of ['+14153608371', '+14153608372']) {
      const order = await previewOrders.create({ phoneNumber, smsCapability: true });
      await hnemu.advance('1m');
      await previewOrders(order.sid).update({ status: 'pending-verification', verificationType: 'phone-call' });
      await hnemu.advance('1m');
      assert.equal((await previewOrders(order.sid).fetch()).status, 'verified');
      verified.push(order.sid);
    }
    const documents = client.preview.hosted_numbers.authorizationDocuments;
    const document = await documents.create({
      hostedNumberOrderSids: [verified[0]], addressSid: ADDRESS, email: 'owner@example.com',
      contactTitle: 'Owner', contactPhoneNumber: '+12344444444',
    });
    assert.equal(document.status, 'signing');
    // Signing is immutable: only opening it again is allowed, as error 22107 says.
    await expectRestError(documents(document.sid).update({ ccEmails: ['cc@example.com'] }), 400, 22107);
    assert.equal((await documents(document.sid).update({ status: 'opened' })).status, 'opened');
    const edited = await documents(document.sid).update({ email: 'signer@example.com', ccEmails: ['cc@example.com'] });
    assert.equal(edited.email, 'signer@example.com');
    assert.deepEqual(edited.ccEmails, ['cc@example.com']);
    await expectRestError(documents(document.sid).update({ status: 'signed' }), 400, 22122);
    assert.equal((await documents(document.sid).update({ status: 'signing' })).status, 'signing');
    await hnemu.advance('1h');
    assert.equal((await documents(document.sid).fetch()).status, 'signed');
    assert.equal((await previewOrders(verified[0]).fetch()).status, 'carrier-processing');
    await expectRestError(documents(document.sid).update({ status: 'opened' }), 400, 22107);

    const other = await documents.create({
      hostedNumberOrderSids: [verified[1]], addressSid: ADDRESS, email: 'owner@example.com',
      contactTitle: 'Owner', contactPhoneNumber: '+12344444444',
    });
    assert.equal((await previewOrders(verified[1]).fetch()).status, 'pending-loa');
    assert.equal(await documents(other.sid).remove(), true);
    assert.equal((await documents(other.sid).fetch()).status, 'canceled');
    assert.equal((await previewOrders(verified[1]).fetch()).status, 'verified');
  }],

  ['numbers v1 eligibility: one check now, a bulk check later', async () => {
    const check = await client.numbers.v1.eligibilities.create({
      friendly_name: 'first check',
      phone_numbers: [{ phone_number: '+14153608381', hosting_account_sid: SUB }, { phone_number: '4565433456' },
        { phone_number: HAPPY }],
    });
    assert.deepEqual(check.results.map((r) => r.eligibility_status), ['ELIGIBLE', 'INELIGIBLE', 'INELIGIBLE']);
    assert.equal(check.results[0].account_sid, SUB);
    assert.equal(check.results[1].eligibility_sub_status, 'NUMBER_FORMAT_INELIGIBLE');
    assert.equal(check.results[2].hosting_order_sid, state.happy.sid);
    const bulk = await client.numbers.v1.bulkEligibilities.create({
      friendly_name: 'bulk', phone_numbers: [{ phone_number: '+14153608381' }],
    });
    assert.equal(bulk.status, 'QUEUED');
    assert.match(bulk.requestId, /^EC[0-9a-f]{32}$/);
    await hnemu.advance('2s');
    const done = await client.numbers.v1.bulkEligibilities(bulk.requestId).fetch();
    assert.equal(done.status, 'SUCCESSFUL');
    assert.equal(done.results[0].next_step, 'CREATE_HOSTED_NUMBER_ORDER');
    assert.ok(done.dateCompleted instanceof Date);
  }],

  ['numbers v3 create: camelCase in and out', async () => {
    const order = await client.numbers.v3.hostedNumberOrders.create({
      phoneNumber: '+14153608391', smsCapability: true, friendlyName: 'v3', accountSid: SUB,
    });
    assert.equal(order.status, 'twilio-processing');
    assert.equal(order.accountSid, SUB);
    assert.equal(order.phoneNumber, '+14153608391');
    assert.equal(order.url, `${hnemu.url}/v3/HostedNumbers/HostedNumberOrders/${order.sid}`);
  }],

  ['numbers v2 bulk hosting: QUEUED, IN_PROGRESS with its orders, PROCESSED', async () => {
    const bulks = client.numbers.v2.bulkHostedNumberOrders;
    const order = (phoneNumber) => ({ PhoneNumber: phoneNumber, ContactPhoneNumber: '+12344444444',
      AddressSid: ADDRESS, Email: 'owner@example.com' });
    const request = await bulks.create({ FriendlyName: 'bulk', NotificationEmail: 'owner@example.com',
      Orders: [order('+14153608392'), order('+14153608393'), order('not a number')] });
    assert.equal(request.requestStatus, 'QUEUED');
    assert.equal(request.totalCount, 3);
    assert.deepEqual(request.results, []);
    await hnemu.advance('1m');
    const started = await bulks(request.bulkHostingSid).fetch();
    assert.equal(started.requestStatus, 'IN_PROGRESS');
    assert.deepEqual(started.results.map((g) => [g.order_status, g.count]), [['twilio_processing', '2'], ['failed', '1']]);
    const created = started.results[0].orders[0].hosting_order_sid;
    assert.equal((await orders(created).fetch()).bulkHostingRequestSid, request.bulkHostingSid);
    await hnemu.advance('1m');
    const processed = await bulks(request.bulkHostingSid).fetch({ orderStatus: 'failed' });
    assert.equal(processed.requestStatus, 'PROCESSED');
    assert.ok(processed.dateCompleted instanceof Date);
    assert.equal(processed.results.length, 1);
    assert.match(processed.results[0].orders[0].failure_reason, /PhoneNumber is invalid/);
  }],

  ['a first message from a hosted number: stored once the order is completed, 21606 before', async () => {
    const message = await client.messages.create({ from: HAPPY, to: '+14155550199', body: 'Hello from hnemu' });
    assert.match(message.sid, /^SM[0-9a-f]{32}$/);
    assert.equal(message.status, 'queued');
    assert.equal(message.direction, 'outbound-api');
    assert.equal(message.numSegments, '1');
    const { messages } = await hnemu.control('GET', '/state?provider=twilio');
    assert.ok(messages.some((m) => m.sid === message.sid && m.to === '+14155550199'));
    await expectRestError(client.messages.create({ from: WRONG_CODE, to: '+14155550199', body: 'no' }), 400, 21606);
    await expectRestError(client.api.v2010.accounts(SUB).messages.create({
      from: SUB_NUMBER, to: '+14155550199', body: 'not yet' }), 400, 21606);
    await expectRestError(client.messages.create({ from: HAPPY, to: '5551234', body: 'x' }), 400, 21211);
  }],

  ['every status callback arrived, signed, and passes twilio.validateRequest', async () => {
    const deliveries = await hnemu.settledWebhooks();
    assert.ok(deliveries.length >= 20, `only ${deliveries.length} deliveries`);
    assert.ok(deliveries.every((d) => d.state === 'delivered'), JSON.stringify(deliveries.filter((d) => d.state !== 'delivered')));
    assert.equal(receiver.received.length, deliveries.length);
    for (const record of receiver.received) {
      const url = receiver.url(record.path);
      const params = record.method === 'POST' ? Object.fromEntries(new URLSearchParams(record.body)) : {};
      // A subaccount's callbacks are signed with its own token.
      const token = record.path.startsWith('/sub-callbacks/') ? SUB_TOKEN : TOKEN;
      assert.ok(twilio.validateRequest(token, record.headers['x-twilio-signature'], url, params),
        `bad signature on ${record.method} ${record.path}`);
    }
    assert.ok(receiver.received.some((r) => r.path.startsWith('/sub-callbacks/')));
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
