// A Twilio client that only knows the happy path, for proving that `hnemu explore` finds what
// such a client misses: it follows the flow (verification call, authorization document) and
// waits for completed, but knows no other outcome, retries nothing, and asks for the
// verification call only once. It checks signatures like the reference client does.
import twilio from 'twilio';
import { env, finish, log, startReceiver } from './common.mjs';

const TOKEN = env('HNEMU_TWILIO_AUTH_TOKEN');
const client = twilio(env('HNEMU_TWILIO_ACCOUNT_SID'), TOKEN);
client.numbers.baseUrl = env('HNEMU_BASE_URL');
const orders = client.numbers.v2.hostedNumberOrders;
const pollMs = Number(env('POLL_INTERVAL_MS', '250'));
const ADDRESS = 'AD11111111111111111111111111111111';

const receiver = await startReceiver((record) => {
  const params = record.method === 'POST' ? Object.fromEntries(new URLSearchParams(record.body)) : {};
  return twilio.validateRequest(TOKEN, record.headers['x-twilio-signature'] ?? '', receiver.url(record.path), params);
});

const number = env('HOSTED_NUMBERS').split(',')[0];
let order = await orders.create({
  phoneNumber: number, contactPhoneNumber: '+12344444444', addressSid: ADDRESS, email: 'owner@example.com',
  statusCallbackUrl: receiver.url('/happy'),
});
log(`${number}: order ${order.sid} is ${order.status}`);
let asked = false;
let documentSent = false;
for (;;) {
  if (order.status === 'received' && !asked) {
    asked = true;
    order = await orders(order.sid).update({ status: 'pending-verification' });
  }
  if (order.status === 'verified' && !documentSent) {
    documentSent = true;
    await client.numbers.v2.authorizationDocuments.create({
      addressSid: ADDRESS, email: 'owner@example.com', contactPhoneNumber: '+12344444444',
      hostedNumberOrderSids: [order.sid],
    });
  }
  if (order.status === 'completed') {
    receiver.close();
    finish('completed');
  }
  await receiver.next(pollMs);
  order = await orders(order.sid).fetch();
}
