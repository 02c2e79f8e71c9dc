// The hnemu package under node:test: start, the three SDKs pointed at it, the clock, scenarios
// and their expectations, the inbox and calls, connect to a running server, errors, stop.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import numbers from '@bandwidth/numbers';
import Telnyx from 'telnyx';
import twilio from 'twilio';
import { connect, HnemuError, start } from 'hnemu';

const scenarios = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const WRONG_CODE = '+14155550101';
let hnemu;

before(async () => {
  hnemu = await start({ clock: 'manual', seed: 7 });
});
after(async () => {
  assert.equal(await hnemu.stop(), 0);
});

test('a Twilio order runs on the virtual clock, and its calls are visible', async () => {
  await hnemu.loadScenario({ twilio: { numbers: { [WRONG_CODE]: { callee: 'enter-wrong-code' } } } });
  const orders = (await hnemu.twilioClient(twilio)).numbers.v2.hostedNumberOrders;
  const order = await orders.create({ phoneNumber: WRONG_CODE, contactPhoneNumber: '+14155550199',
    addressSid: 'AD11111111111111111111111111111111', email: 'owner@example.com' });
  assert.equal(order.status, 'twilio-processing');
  await hnemu.advance('1m');
  assert.equal((await orders(order.sid).fetch()).status, 'received');
  await orders(order.sid).update({ status: 'pending-verification' });
  await hnemu.advance('5m');
  const [call] = await hnemu.calls(WRONG_CODE);
  assert.equal(call.to, WRONG_CODE);
  assert.match(call.code, /^\d{6}$/);
  assert.notEqual(call.digits_entered, call.code);
  assert.ok((await hnemu.journal()).some((entry) => entry.path === '/v2/HostedNumber/Orders'));
});

test('a Telnyx order sends its ownership code to the inbox', async () => {
  await hnemu.reset();
  const orders = (await hnemu.telnyxClient(Telnyx)).messagingHostedNumberOrders;
  const { data: order } = await orders.create({ phone_numbers: ['+13125550001'] });
  await orders.createVerificationCodes(order.id, { phone_numbers: ['+13125550001'], verification_method: 'sms' });
  assert.deepEqual(await hnemu.inbox('+13125550001'), []);  // on its way: 10 s of virtual time
  await hnemu.advance('1m');
  const [message] = await hnemu.inbox('+13125550001');
  assert.match(message.code, /^\d+$/);
});

test('Bandwidth: the 6-argument client reaches hnemu', async () => {
  const client = await hnemu.bandwidthClient(numbers);
  const result = await new Promise((resolve, reject) => {
    numbers.ImportTnChecker.check(client, ['9195550123'], (error, answer) => (error ? reject(error) : resolve(answer)));
  });
  assert.ok(JSON.stringify(result).includes('9195550123'));
});

test('a scenario file loads, its expectations are judged, the world runs to its end', async () => {
  const loaded = await hnemu.loadScenario(`${scenarios}twilio/carrier_rejected.yaml`);
  assert.equal(loaded.scenario.name, 'carrier_rejected');
  const before = await hnemu.expectations();
  assert.equal(before.passed, false);
  assert.ok(before.expectations.length > 0);
  assert.equal(await hnemu.runUntilIdle(), 0);  // nothing was asked of it yet
});

test('connect() drives a server it did not start; errors are HnemuError', async () => {
  const other = connect(hnemu.url);
  const clock = await other.clock();
  assert.equal(clock.mode, 'manual');
  await assert.rejects(other.advance('soon'), (error) => error instanceof HnemuError && error.status === 400);
  assert.equal(await other.stop(), null);
});
