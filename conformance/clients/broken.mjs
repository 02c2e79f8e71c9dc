// A deliberately broken Twilio client, for proving that `hnemu conform` says no. BROKEN_MODE:
//   tight-poll         fetches the order again and again without pausing
//   ignore-failure     treats failed as "not done yet" and keeps polling
//   ignore-signatures  accepts every status callback, forged or not
// Otherwise it drives the flow like the reference client.
import twilio from 'twilio';
import { env, finish, log, sleep, startReceiver } from './common.mjs';

const mode = env('BROKEN_MODE');
const client = twilio(env('HNEMU_TWILIO_ACCOUNT_SID'), env('HNEMU_TWILIO_AUTH_TOKEN'));
client.numbers.baseUrl = env('HNEMU_BASE_URL');
const orders = client.numbers.v2.hostedNumberOrders;
const receiver = await startReceiver((record) => mode === 'ignore-signatures'
  || twilio.validateRequest(env('HNEMU_TWILIO_AUTH_TOKEN'), record.headers['x-twilio-signature'] ?? '',
    receiver.url(record.path), Object.fromEntries(new URLSearchParams(record.body))));

const number = env('HOSTED_NUMBERS').split(',')[0];
let order = await orders.create({
  phoneNumber: number, contactPhoneNumber: '+12344444444', addressSid: 'AD11111111111111111111111111111111',
  email: 'owner@example.com', statusCallbackUrl: receiver.url('/broken'),
});
let documentSent = false;
for (;;) {
  if (order.status === 'received') await orders(order.sid).update({ status: 'pending-verification' });
  if (order.status === 'verified' && !documentSent) {
    documentSent = true;
    await client.numbers.v2.authorizationDocuments.create({
      addressSid: 'AD11111111111111111111111111111111', email: 'owner@example.com',
      contactPhoneNumber: '+12344444444', hostedNumberOrderSids: [order.sid],
    });
  }
  if (order.status === 'completed') finish('completed');
  if (order.status === 'failed' && mode !== 'ignore-failure') finish('failed');
  if (mode !== 'tight-poll') await sleep(250);
  order = await orders(order.sid).fetch();
  if (mode === 'ignore-failure' && order.status === 'failed') log('failed? it will come round');
}
