// The official telnyx SDK (npm, >= 7.19: Ed25519 webhooks) against `hnemu serve`: eligibility,
// the whole hosted-SMS flow, carrier_rejected and failed_timeout, retries against injected faults,
// bad input, and every webhook verified with the SDK's own webhooks.unwrap.
// Usage: node telnyx/e2e.test.mjs path/to/hnemu
import assert from 'node:assert/strict';
import Telnyx, { toFile } from 'telnyx';
import { runSteps, startHnemu, startReceiver } from '../lib/hnemu.mjs';

const binary = process.argv[2];
const API_KEY = 'KEYhnemu0000000000000000000000000_default';
const HAPPY = '+13125550001';
const REJECTED = '+13125550002';
const SILENT = '+13125550003';
const NEVER_SMS = '+13125550004';

const hnemu = await startHnemu(binary, ['--seed', '11', '--clock', 'manual']);
const primary = await startReceiver();
const broken = await startReceiver(() => 500);
const failover = await startReceiver();
const transfers = await startReceiver();
const { public_key: publicKey } = await hnemu.control('GET', '/telnyx/public-key');

const client = new Telnyx({ apiKey: API_KEY, baseURL: `${hnemu.url}/v2`, publicKey, maxRetries: 2 });
const orders = client.messagingHostedNumberOrders;

const pdf = (name) => toFile(Buffer.from(`%PDF-1.4 ${name}\n%%EOF\n`), `${name}.pdf`);

async function expectApiError(promise, status, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.status, status, String(error));
    assert.equal(error.error.errors[0].code, code, JSON.stringify(error.error));
    assert.equal(typeof error.error.errors[0].title, 'string');
    return true;
  });
}

async function inboxCode(number) {
  const { messages } = await hnemu.control('GET', `/inbox?number=${encodeURIComponent(number)}`);
  return messages.at(-1)?.code;
}

// Creates an order, verifies ownership through the inbox and uploads both documents.
async function orderThroughDocuments(number, profile = 'profile-primary') {
  const { data: order } = await orders.create({ messaging_profile_id: profile, phone_numbers: [number] });
  await orders.createVerificationCodes(order.id, { phone_numbers: [number], verification_method: 'sms' });
  await hnemu.advance('10s');
  const code = await inboxCode(number);
  const { data: validated } = await orders.validateCodes(order.id, {
    verification_codes: [{ phone_number: number, code }],
  });
  assert.equal(validated.phone_numbers[0].status, 'verified');
  const { data: uploaded } = await orders.actions.uploadFile(order.id, { loa: await pdf('loa'), bill: await pdf('bill') });
  assert.equal(uploaded.status, 'loa_file_successful');
  return order;
}

const state = {};
const ok = await runSteps([
  ['messaging profiles with webhook URLs (primary; broken with a failover)', async () => {
    await hnemu.control('POST', '/telnyx/messaging-profiles', { id: 'profile-primary', name: 'primary', webhook_url: primary.url('/telnyx') });
    await hnemu.control('POST', '/telnyx/messaging-profiles', {
      id: 'profile-failover', name: 'failover', webhook_url: broken.url('/telnyx'), webhook_failover_url: failover.url('/telnyx'),
    });
  }],

  ['eligibility: every status from the numbers\' properties', async () => {
    const profiles = {
      '+13125550010': { kind: 'wireless' }, '+13125550011': { on_telnyx: true },
      '+13125550012': { hosted_by_another_customer: true }, '+13125550013': { valid_routing: false },
      '+13125550014': { lookup_fails: true }, '+13125550015': { us_number: false },
    };
    for (const [number, profile] of Object.entries(profiles)) {
      await hnemu.control('PUT', `/telnyx/numbers/${encodeURIComponent(number)}`, profile);
    }
    const result = await orders.checkEligibility({
      phone_numbers: [HAPPY, '3125550002', '+442071838750', ...Object.keys(profiles), HAPPY,
        '+14165550100', '+18765550100', '+1312555010', '+12115550100'],
    });
    assert.deepEqual(result.phone_numbers.map((n) => n.eligible_status), [
      'ELIGIBLE', 'NUMBER_IS_NOT_IN_E164_FORMAT', 'NUMBER_IS_NOT_A_US_NUMBER', 'NUMBER_CAN_NOT_BE_WIRELESS',
      'NUMBER_CAN_NOT_BE_IN_TELNYX', 'NUMBER_CAN_NOT_HOSTED_WITH_A_TELNYX_SUBSCRIBER',
      'NUMBER_IS_NOT_A_VALID_ROUTING_NUMBER', 'NUMBER_CAN_NOT_BE_VALIDATED', 'NUMBER_IS_NOT_A_US_NUMBER',
      'NUMBER_CAN_NOT_BE_REPEATED',
      // Canada and Jamaica are +1 but not US; nine digits after +1, or an N11 area code, are not E.164.
      'NUMBER_IS_NOT_A_US_NUMBER', 'NUMBER_IS_NOT_A_US_NUMBER', 'NUMBER_IS_NOT_IN_E164_FORMAT',
      'NUMBER_IS_NOT_IN_E164_FORMAT',
    ]);
    assert.equal(result.phone_numbers[0].eligible, true);
  }],

  ['create an order: pending, numbers pending', async () => {
    const { data: order } = await orders.create({ messaging_profile_id: 'profile-primary', phone_numbers: [HAPPY] });
    assert.equal(order.record_type, 'messaging_hosted_number_order');
    assert.equal(order.status, 'pending');
    assert.match(order.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(order.phone_numbers.map((n) => [n.phone_number, n.status, n.record_type]),
      [[HAPPY, 'pending', 'messaging_hosted_number']]);
    state.happy = order;
  }],

  ['SMS code to the number: read it from the inbox and validate it', async () => {
    const { data: sent } = await orders.createVerificationCodes(state.happy.id, {
      phone_numbers: [HAPPY, '+13125559999'], verification_method: 'sms',
    });
    assert.equal(sent[0].type, 'sms');
    assert.match(sent[0].verification_code_id, /^[0-9a-f-]{36}$/);
    assert.equal(sent[1].error, 'Phone number is not part of the order');
    assert.equal(await inboxCode(HAPPY), undefined, 'the code arrives after the delivery delay');
    await hnemu.advance('10s');
    const code = await inboxCode(HAPPY);
    assert.match(code, /^\d{5}$/);
    const { data: wrong } = await orders.validateCodes(state.happy.id, { verification_codes: [{ phone_number: HAPPY, code: code === '00000' ? '11111' : '00000' }] });
    assert.equal(wrong.phone_numbers[0].status, 'rejected');
    const { data: validated } = await orders.validateCodes(state.happy.id, { verification_codes: [{ phone_number: HAPPY, code }] });
    assert.deepEqual(validated, { order_id: state.happy.id, phone_numbers: [{ phone_number: HAPPY, status: 'verified' }] });
    const { data: again } = await orders.validateCodes(state.happy.id, { verification_codes: [{ phone_number: HAPPY, code }] });
    assert.equal(again.phone_numbers[0].status, 'already_verified');
    const { data: order } = await orders.retrieve(state.happy.id);
    assert.equal(order.phone_numbers[0].status, 'ownership_successful');
  }],

  ['upload LOA and bill (multipart): loa_file_successful; zero parts change nothing', async () => {
    const { data: unchanged } = await orders.actions.uploadFile(state.happy.id, {});
    assert.equal(unchanged.status, 'pending');
    const { data: order } = await orders.actions.uploadFile(state.happy.id, { loa: await pdf('loa'), bill: await pdf('bill') });
    assert.equal(order.status, 'loa_file_successful');
  }],

  ['review (business days), provisioning, successful as the clock moves', async () => {
    await hnemu.advance('1d');
    assert.equal((await orders.retrieve(state.happy.id)).data.status, 'loa_file_successful');
    await hnemu.advance('1d');
    const { data: provisioning } = await orders.retrieve(state.happy.id);
    assert.equal(provisioning.status, 'provisioning');
    assert.equal(provisioning.phone_numbers[0].status, 'provisioning');
    await hnemu.advance('1d');
    const { data: done } = await orders.retrieve(state.happy.id);
    assert.equal(done.status, 'successful');
    assert.equal(done.phone_numbers[0].status, 'successful');
  }],

  ['hosted numbers: list, retrieve by number, update', async () => {
    const listed = [];
    for await (const number of client.messagingHostedNumbers.list()) listed.push(number);
    assert.deepEqual(listed.map((n) => n.phone_number), [HAPPY]);
    const { data: byNumber } = await client.messagingHostedNumbers.retrieve(HAPPY);
    assert.equal(byNumber.record_type, 'messaging_settings');
    assert.equal(byNumber.id, state.happy.phone_numbers[0].id);
    const { data: updated } = await client.messagingHostedNumbers.update(HAPPY, { tags: ['front-desk'] });
    assert.deepEqual(updated.tags, ['front-desk']);
    assert.deepEqual(updated.health, { message_count: 0, inbound_outbound_ratio: 0, success_ratio: 0, spam_ratio: 0 });
  }],

  ['messaging profiles through the API: create, list, retrieve, update, delete', async () => {
    await expectApiError(client.messagingProfiles.create({ name: 'no destinations' }), 422, '10004');
    const { data: created } = await client.messagingProfiles.create({
      name: 'From the API', whitelisted_destinations: ['US'], webhook_url: primary.url('/telnyx-api'),
    });
    assert.equal(created.record_type, 'messaging_profile');
    assert.equal(created.enabled, true);
    assert.equal(created.webhook_api_version, '2');
    const names = [];
    for await (const profile of client.messagingProfiles.list({ filter: { name: { contains: 'API' } } })) names.push(profile.name);
    assert.deepEqual(names, ['From the API']);
    assert.equal((await client.messagingProfiles.retrieve(created.id)).data.id, created.id);
    const { data: updated } = await client.messagingProfiles.update(created.id, { enabled: false, number_pool_settings: { long_code_weight: 1, toll_free_weight: 0, skip_unhealthy: true } });
    assert.equal(updated.enabled, false);
    assert.equal(updated.webhook_url, primary.url('/telnyx-api'));
    assert.equal(updated.number_pool_settings.skip_unhealthy, true);
    assert.equal((await client.messagingProfiles.delete(created.id)).data.name, 'From the API');
    await expectApiError(client.messagingProfiles.retrieve(created.id), 404, '10005');
  }],

  ['send the first message from the hosted number (stored, not delivered); health counts it', async () => {
    await expectApiError(client.messages.send({ from: REJECTED, to: '+13125559999', text: 'Hello' }), 400, '40305');
    const { data: message } = await client.messages.send({ from: HAPPY, to: '+13125559999', text: 'Hello, World!' });
    assert.equal(message.direction, 'outbound');
    assert.equal(message.messaging_profile_id, 'profile-primary');
    assert.equal(message.to[0].status, 'queued');
    assert.equal(message.parts, 1);
    assert.equal((await client.messages.retrieve(message.id)).data.id, message.id);
    const { data: number } = await client.messagingHostedNumbers.retrieve(HAPPY);
    assert.equal(number.health.message_count, 1);
  }],

  ['carrier_rejected: the losing carrier rejects the number', async () => {
    await hnemu.control('PUT', `/telnyx/numbers/${encodeURIComponent(REJECTED)}`, { carrier: { decision: 'reject', after: '5d' } });
    const order = await orderThroughDocuments(REJECTED);
    // Two business days of review are at most four calendar days, weekends included.
    await hnemu.advance('4d');
    assert.equal((await orders.retrieve(order.id)).data.status, 'provisioning');
    await hnemu.advance('5d');
    const { data: rejected } = await orders.retrieve(order.id);
    assert.equal(rejected.status, 'carrier_rejected');
    assert.equal(rejected.phone_numbers[0].status, 'failed_carrier_rejected');
  }],

  ['failed_timeout: the carrier never answers, the activation times out', async () => {
    await hnemu.control('PUT', `/telnyx/numbers/${encodeURIComponent(SILENT)}`, { carrier: { decision: 'never' } });
    const order = await orderThroughDocuments(SILENT, 'profile-failover');
    await hnemu.advance('4d');
    assert.equal((await orders.retrieve(order.id)).data.status, 'provisioning');
    await hnemu.advance('5d');  // the 5-day activation timeout
    const { data: timedOut } = await orders.retrieve(order.id);
    assert.equal(timedOut.status, 'failed');
    assert.equal(timedOut.phone_numbers[0].status, 'failed_timeout');
    state.failoverOrder = timedOut;
  }],

  ['a code that never arrives: sent, never in the inbox', async () => {
    await hnemu.control('PUT', `/telnyx/numbers/${encodeURIComponent(NEVER_SMS)}`, { code_delivered: false });
    const { data: order } = await orders.create({ phone_numbers: [NEVER_SMS] });
    const { data: sent } = await orders.createVerificationCodes(order.id, { phone_numbers: [NEVER_SMS], verification_method: 'call' });
    assert.equal(sent[0].type, 'call');
    await hnemu.advance('1h');
    assert.equal(await inboxCode(NEVER_SMS), undefined);
    const { data: deleted } = await orders.delete(order.id);
    assert.equal(deleted.status, 'deleted');
  }],

  ['the SDK retries 503 and 429 from injected faults without duplicating the order', async () => {
    const before = (await orders.list({ 'page[size]': 250 })).data.length;
    await hnemu.control('POST', '/faults', { provider: 'telnyx', method: 'POST', path: '/v2/messaging_hosted_number_orders', status: 503, times: 1, retry_after: 0 });
    await hnemu.control('POST', '/faults', { provider: 'telnyx', method: 'POST', path: '/v2/messaging_hosted_number_orders', status: 429, times: 1, retry_after: 0 });
    const { data: order } = await orders.create({ phone_numbers: ['+13125550005'] });
    assert.equal(order.status, 'pending');
    const after = (await orders.list({ 'page[size]': 250 })).data;
    assert.equal(after.length, before + 1);
    const journal = await hnemu.control('GET', '/journal');
    const creates = journal.entries.filter((e) => e.method === 'POST' && e.path === '/v2/messaging_hosted_number_orders').slice(-3);
    assert.deepEqual(creates.map((e) => e.status), [503, 429, 200]);
    const { faults } = await hnemu.control('GET', '/faults');
    assert.deepEqual(faults.map((f) => f.fired), [1, 1]);
    await hnemu.control('DELETE', '/faults');
  }],

  ['list pages with page[number] and page[size]', async () => {
    const seen = [];
    for await (const order of orders.list({ 'page[size]': 2 })) seen.push(order.id);
    const all = (await orders.list({ 'page[size]': 250 })).data.map((o) => o.id);
    assert.deepEqual(seen, all);
    const page = await orders.list({ 'page[size]': 2, 'page[number]': 2 });
    assert.deepEqual(page.meta, { page_number: 2, page_size: 2, total_pages: Math.ceil(all.length / 2), total_results: all.length });
  }],

  ['bad input gets Telnyx\'s error shape and status', async () => {
    await expectApiError(orders.retrieve('00000000-0000-4000-8000-000000000000'), 404, '10005');
    await expectApiError(new Telnyx({ apiKey: 'KEY_wrong', baseURL: `${hnemu.url}/v2`, maxRetries: 0 }).messagingHostedNumberOrders.list(), 401, '10009');
    await expectApiError(orders.create({ phone_numbers: ['3125550009'] }), 422, '10016');
    await expectApiError(orders.create({ phone_numbers: 'not-a-list' }), 422, '10015');
    await expectApiError(orders.createVerificationCodes(state.happy.id, { phone_numbers: [HAPPY], verification_method: 'pigeon' }), 422, '10015');
    await assert.rejects(orders.create(), (error) => {
      assert.equal(error.status, 422);
      assert.deepEqual(error.error.errors[0], {
        code: '10015', detail: 'You must provide at least 1 phone number.', title: 'Bad Request',
        source: { pointer: '/phone_numbers' }, meta: { url: 'https://developers.telnyx.com/docs/overview/errors/10015' },
      });
      return true;
    });
    await assert.rejects(orders.list({ 'page[number]': 0 }), (error) => {
      assert.equal(error.status, 422);
      assert.equal(error.error.errors[0].title, 'Invalid pagination');
      assert.equal(error.error.errors[0].source.pointer, 'page/number');
      return true;
    });
    // An unknown path, outside /v2 too, with Telnyx's key: Telnyx's 404 (the SDK's generated tests).
    const atRoot = new Telnyx({ apiKey: API_KEY, baseURL: hnemu.url, maxRetries: 0 });
    await assert.rejects(atRoot.get('/_stainless_unknown_path'), (error) => error.status === 404 && error.error.errors[0].code === '10005');
    await hnemu.control('POST', '/faults', { provider: 'telnyx', method: 'GET', path: '/v2/messaging_hosted_numbers', status: 429, times: 1, retry_after: 2 });
    const limited = await fetch(`${hnemu.url}/v2/messaging_hosted_numbers`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    assert.equal(limited.status, 429);
    assert.deepEqual(['limit', 'remaining', 'reset'].map((h) => limited.headers.get(`x-ratelimit-${h}`)), ['100', '0', '2']);
    await hnemu.control('DELETE', '/faults');
    const raw = (body, type = 'application/json', path = '/v2/messaging_hosted_number_orders') => fetch(`${hnemu.url}${path}`, {
      method: 'POST', body, headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': type },
    });
    const anonymous = await fetch(`${hnemu.url}/v2/messaging_hosted_number_orders`);
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).errors[0].code, '10009');
    let response = await raw('{not json');
    assert.equal(response.status, 400);
    assert.equal((await response.json()).errors[0].code, '10015');
    response = await raw('x'.repeat(11 * 1024 * 1024), 'multipart/form-data; boundary=b', `/v2/messaging_hosted_number_orders/${state.happy.id}/actions/file_upload`);
    assert.equal(response.status, 413);
    assert.equal((await response.json()).errors[0].code, '10015');
    response = await raw('PhoneNumbers=1', 'text/plain', `/v2/messaging_hosted_number_orders/${state.happy.id}/actions/file_upload`);
    assert.equal(response.status, 415);
    const listed = (await orders.list({ 'page[size]': 250 })).data;
    assert.ok(listed.some((o) => o.id === state.happy.id), 'nothing stored was lost');
  }],

  ['internal transfer: another account orders an active number; its owner approves; the number moves', async () => {
    const NUMBER = '+13125550020';
    const OTHER_KEY = 'KEYhnemu0000000000000000000000000_receiving';
    const owned = await orderThroughDocuments(NUMBER);
    await hnemu.advance('6d');
    assert.equal((await orders.retrieve(owned.id)).data.status, 'successful');
    await hnemu.control('POST', '/telnyx/accounts', { api_key: OTHER_KEY, user_id: '6a09e667-f3bc-4c90-8000-0000000000aa', name: 'receiving' });
    await hnemu.control('POST', '/telnyx/messaging-profiles', {
      id: 'profile-receiving', user_id: '6a09e667-f3bc-4c90-8000-0000000000aa', webhook_url: transfers.url('/telnyx'),
    });
    const receiving = new Telnyx({ apiKey: OTHER_KEY, baseURL: `${hnemu.url}/v2`, publicKey, maxRetries: 0 });
    const theirs = receiving.messagingHostedNumberOrders;
    const { data: order } = await theirs.create({ messaging_profile_id: 'profile-receiving', phone_numbers: [NUMBER] });
    assert.equal(order.status, 'pending');
    assert.equal(order.phone_numbers[0].status, 'pending');
    const { data: early } = await theirs.createVerificationCodes(order.id, { phone_numbers: [NUMBER], verification_method: 'sms' });
    assert.equal(early[0].error, 'Internal transfer approval is pending.');

    // The owner's approval link (Telnyx emails it; hnemu shows it on the control API).
    const { approval_token: token } = await hnemu.control('GET', `/telnyx/orders/${order.id}/internal-transfer`);
    const approve = (sdk, t) => sdk.post(`/messaging_hosted_number_orders/${order.id}/approve`, { query: { token: t } });
    await expectApiError(approve(receiving, token), 403, '10010');
    await expectApiError(approve(client, 'not-the-token'), 422, '10015');
    assert.deepEqual(await approve(client, token), { data: { order_id: order.id, decision: 'approved' } });
    await expectApiError(approve(client, token), 422, '10015');

    await theirs.createVerificationCodes(order.id, { phone_numbers: [NUMBER], verification_method: 'sms' });
    await hnemu.advance('10s');
    await theirs.validateCodes(order.id, { verification_codes: [{ phone_number: NUMBER, code: await inboxCode(NUMBER) }] });
    await theirs.actions.uploadFile(order.id, { loa: await pdf('loa'), bill: await pdf('bill') });
    await hnemu.advance('6d');
    assert.equal((await theirs.retrieve(order.id)).data.status, 'successful');
    assert.equal((await receiving.messagingHostedNumbers.retrieve(NUMBER)).data.phone_number, NUMBER);
    await expectApiError(client.messagingHostedNumbers.retrieve(NUMBER), 404, '10005');

    await hnemu.drainWebhooks();
    const events = [];
    for (const record of transfers.received) {
      const event = await receiving.webhooks.unwrap(record.body, { headers: record.headers });
      events.push([event.data.event_type.replace('messaging_hosted_numbers_orders.', ''), event.data.payload.decision]);
    }
    assert.deepEqual(events.slice(0, 4), [
      ['created', 'pending'], ['internal_transfer_detected', 'pending'],
      ['internal_transfer_approval_requested', 'pending'], ['internal_transfer_approved', 'approved'],
    ]);
    const requested = JSON.parse(transfers.received[2].body).data.payload;
    assert.equal(typeof requested.approval_deadline, 'number');
  }],

  ['webhooks: retried, failed over, and every one verifies with webhooks.unwrap', async () => {
    // The broken profile's deliveries retry after 5 s and 10 s of virtual time, then fail over.
    const deliveries = await hnemu.drainWebhooks();
    assert.ok(deliveries.every((d) => d.state === 'delivered'), JSON.stringify(deliveries.filter((d) => d.state !== 'delivered')));
    for (const receiver of [primary, failover]) {
      for (const record of receiver.received) {
        const event = await client.webhooks.unwrap(record.body, { headers: record.headers });
        assert.match(event.data.event_type, /^messaging_hosted_numbers_orders\.(created|updated|deleted)$/);
        assert.equal(event.meta.delivered_to, receiver.url('/telnyx'));
      }
    }
    await assert.rejects(client.webhooks.unwrap(primary.received[0].body.replace('pending', 'successful'), { headers: primary.received[0].headers }));
    const happy = primary.received.map((r) => JSON.parse(r.body).data).filter((e) => e.payload.order_id === state.happy.id);
    assert.equal(happy[0].event_type, 'messaging_hosted_numbers_orders.created');
    assert.deepEqual([...new Set(happy.map((e) => e.payload.order_status))],
      ['pending', 'loa_file_successful', 'provisioning', 'successful']);
    const failedOver = deliveries.filter((d) => d.url === broken.url('/telnyx'));
    assert.ok(failedOver.length > 0);
    for (const delivery of failedOver) {
      assert.deepEqual(delivery.attempts.map((a) => [a.url === failover.url('/telnyx'), a.status]),
        [[false, 500], [false, 500], [false, 500], [true, 200]]);
      assert.deepEqual(delivery.attempts.map((a) => JSON.parse(a.body).meta.attempt), [1, 2, 3, 4]);
    }
    assert.equal(broken.received.length, failedOver.length * 3);
    assert.equal(failover.received.length, failedOver.length);
  }],

  ['SIGTERM stops the server cleanly', async () => {
    assert.equal(await hnemu.stop(), 0);
  }],
]);

await Promise.all([primary.close(), broken.close(), failover.close(), transfers.close()]);
await hnemu.stop();
process.exit(ok ? 0 : 1);
