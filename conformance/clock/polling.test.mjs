// The auto clock and polling clients: a client that only polls (no webhooks), every 200 ms, 1 s
// or 5 s, sees every status of the three-attempts flow (received, each failed call, action-
// required, and failed seven days later) with no tuning: the clock waits for the client to see
// each change before it moves on. Usage: node --test clock/polling.test.mjs (HNEMU_BINARY set).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import twilio from 'twilio';
import { start } from '../js/index.js';

const NUMBER = '+14155550101';  // the owner keys in a wrong code on every call
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const collapse = (statuses) => statuses.filter((status, i) => status !== statuses[i - 1]);

async function pollThroughTheFlow(intervalMs) {
  const hnemu = await start({
    clock: 'auto',
    scenario: { twilio: { numbers: { [NUMBER]: { callee: 'enter-wrong-code' } } } },
  });
  try {
    const orders = (await hnemu.twilioClient(twilio)).numbers.v2.hostedNumberOrders;
    let order = await orders.create({ phoneNumber: NUMBER, contactPhoneNumber: '+14155550199',
      addressSid: 'AD11111111111111111111111111111111', email: 'owner@example.com' });
    const seen = [order.status];
    const failures = [];  // the attempts it saw fail, and asked again after
    const deadline = Date.now() + 100_000;
    while (order.status !== 'failed' && Date.now() < deadline) {
      const failedCall = order.status === 'pending-verification' && order.failureReason &&
        order.verificationAttempts > (failures.at(-1) ?? 0);
      if (failedCall) failures.push(order.verificationAttempts);
      if (order.status === 'received' || failedCall) {
        order = await orders(order.sid).update({ status: 'pending-verification' });
      } else {
        await sleep(intervalMs);
        order = await orders(order.sid).fetch();
      }
      seen.push(order.status);
    }
    const [stored] = (await hnemu.state('twilio')).hosted_number_orders;
    return { seen: collapse(seen), history: collapse(stored.history.map((entry) => entry.status)),
      failures, asked: order.verificationAttempts };
  } finally {
    await hnemu.stop();
  }
}

test('polling clients at 200 ms, 1 s and 5 s see every status of the three-attempts flow', async () => {
  const runs = await Promise.all([200, 1000, 5000].map(async (interval) => [interval, await pollThroughTheFlow(interval)]));
  for (const [interval, run] of runs) {
    const where = `polling every ${interval} ms`;
    assert.deepEqual(run.seen, ['twilio-processing', 'received', 'pending-verification',
      'action-required', 'failed'], where);
    assert.deepEqual(run.seen, run.history, where);
    // It saw the first two calls fail (and asked again each time); the third ended in action-required.
    assert.deepEqual(run.failures, [1, 2], where);
    assert.equal(run.asked, 3, where);
  }
});
