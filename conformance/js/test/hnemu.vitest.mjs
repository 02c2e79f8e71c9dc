// The hnemu package under Vitest: one flow per test, each on a fresh world (reset), the way a
// client's own suite would use it.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import twilio from 'twilio';
import { start } from 'hnemu';

let hnemu;
beforeAll(async () => {
  hnemu = await start({ clock: 'manual' });
});
beforeEach(async () => {
  await hnemu.reset();
});
afterAll(async () => {
  await hnemu.stop();
});

const create = async (client, phoneNumber) => client.numbers.v2.hostedNumberOrders.create({
  phoneNumber, contactPhoneNumber: '+14155550199', addressSid: 'AD11111111111111111111111111111111',
  email: 'owner@example.com',
});

test('an order waits on the virtual clock', async () => {
  const client = await hnemu.twilioClient(twilio);
  const order = await create(client, '+14155550123');
  expect(order.status).toBe('twilio-processing');
  await hnemu.advance('30s');
  expect((await client.numbers.v2.hostedNumberOrders(order.sid).fetch()).status).toBe('received');
});

test('a scenario object sets the world and its expectations are judged', async () => {
  await hnemu.loadScenario({
    name: 'rejected by the carrier', provider: 'twilio',
    twilio: { numbers: { '+14155550104': { carrier: { decision: 'reject', after: '2d' } } } },
    expect: { orders: [{ number: '+14155550104', status: 'failed' }] },
  });
  const client = await hnemu.twilioClient(twilio);
  await create(client, '+14155550104');
  const verdict = await hnemu.expectations();
  expect(verdict.passed).toBe(false);
  expect(verdict.expectations[0].actual).toMatch(/twilio-processing/);
});

test('reset between tests: nothing from the last one is left', async () => {
  const client = await hnemu.twilioClient(twilio);
  const page = await client.numbers.v2.hostedNumberOrders.list();
  expect(page).toHaveLength(0);
  expect((await hnemu.clock()).now).toBe('2026-01-05T09:00:00.000Z');
});
