// A well-behaved Twilio hosted-SMS client, written with the official SDK the way its docs
// describe the flow: create a Hosted Number Order with a status callback, ask for the
// verification call once it is received, retry a failed call while attempts remain, send the
// authorization document once verified, and stop at completed, failed or action-required.
// Status callbacks are checked with twilio.validateRequest; it also polls, gently, in case one
// is lost. Run by `hnemu conform`; HOSTED_NUMBERS lists the numbers to host (comma-separated).
// WAIT_IN_ACTION_REQUIRED=1 keeps watching an action-required order until Twilio closes it.
import twilio from 'twilio';
import { env, finish, log, startReceiver, withRetries } from './common.mjs';

const TOKEN = env('HNEMU_TWILIO_AUTH_TOKEN');
const client = twilio(env('HNEMU_TWILIO_ACCOUNT_SID'), TOKEN);
client.numbers.baseUrl = env('HNEMU_BASE_URL');
const orders = client.numbers.v2.hostedNumberOrders;
const pollMs = Number(env('POLL_INTERVAL_MS', '250'));
const deadline = Date.now() + Number(env('CLIENT_DEADLINE_MS', '40000'));
const waitInActionRequired = env('WAIT_IN_ACTION_REQUIRED', '0') === '1';
const ADDRESS = 'AD11111111111111111111111111111111';

const receiver = await startReceiver((record) => {
  const url = receiver.url(record.path);
  const params = record.method === 'POST' ? Object.fromEntries(new URLSearchParams(record.body)) : {};
  return twilio.validateRequest(TOKEN, record.headers['x-twilio-signature'] ?? '', url, params);
});

const retrying = (what, call) => withRetries(what, call, {
  statusOf: (error) => (error.constructor.name === 'RestException' ? error.status : undefined),
  retryAfterOf: () => undefined,
});

async function host(number) {
  let order;
  try {
    order = await retrying('create', () => orders.create({
      phoneNumber: number,
      contactPhoneNumber: '+12344444444',
      addressSid: ADDRESS,
      email: 'owner@example.com',
      friendlyName: `Hosting ${number}`,
      statusCallbackUrl: receiver.url(`/twilio/${number.slice(1)}`),
    }));
  } catch (error) {
    if (error.constructor.name === 'RestException' && error.status === 400) {
      log(`${number}: Twilio refused the order: ${error.code} ${error.message}`);
      return `rejected-${error.code}`;
    }
    throw error;
  }
  log(`${number}: order ${order.sid} is ${order.status}`);
  let retriedAfterAttempt = 0;
  let documentSent = false;
  for (;;) {
    if (Date.now() > deadline) return `gave-up-in-${order.status}`;
    switch (order.status) {
      case 'received':
        order = await retrying('verify', () => orders(order.sid).update({ status: 'pending-verification' }));
        log(`${number}: verification call placed (attempt ${order.verificationAttempts})`);
        continue;
      case 'pending-verification':
        // A failed call leaves the order here with a reason: place the next one ourselves.
        if (order.failureReason && order.verificationAttempts > retriedAfterAttempt) {
          retriedAfterAttempt = order.verificationAttempts;
          log(`${number}: ${order.failureReason}; calling again`);
          order = await retrying('verify', () => orders(order.sid).update({ status: 'pending-verification' }));
          continue;
        }
        break;
      case 'verified':
        if (!documentSent) {
          documentSent = true;
          await retrying('authorization document', () => client.numbers.v2.authorizationDocuments.create({
            addressSid: ADDRESS,
            email: 'owner@example.com',
            contactPhoneNumber: '+12344444444',
            hostedNumberOrderSids: [order.sid],
          }));
          log(`${number}: authorization document sent`);
        }
        break;
      case 'completed':
        return 'completed';
      case 'failed':
        log(`${number}: failed: ${order.failureReason}`);
        return 'failed';
      case 'action-required':
        log(`${number}: action-required: ${order.failureReason}`);
        if (!waitInActionRequired) return 'action-required';
        break;
      default:
        break;
    }
    await receiver.next(pollMs);
    order = await retrying('fetch', () => orders(order.sid).fetch());
  }
}

const outcomes = [];
for (const number of env('HOSTED_NUMBERS').split(',')) {
  outcomes.push(await host(number.trim()));
}
receiver.close();
finish(outcomes.join(','), outcomes.some((o) => o.startsWith('gave-up')) ? 1 : 0);
