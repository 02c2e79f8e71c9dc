// A well-behaved Bandwidth hosted-messaging client, written with the official @bandwidth/numbers
// SDK the way Bandwidth documents the Import TN flow: subscribe to importtnorders notifications
// (Basic credentials of its own), check each TN with importTnChecker, create an import order,
// upload the LOA, and follow the order to COMPLETE, PARTIAL, FAILED or EXCEPTION. Notifications
// whose Authorization is not ours get 403. HOSTED_NUMBERS lists the TNs (comma-separated).
import numbers from '@bandwidth/numbers';
import { randomBytes } from 'node:crypto';
import { env, finish, log, startReceiver, withRetries } from './common.mjs';

const client = new numbers.Client(env('HNEMU_BANDWIDTH_ACCOUNT_ID'), env('HNEMU_BANDWIDTH_USERNAME'),
  env('HNEMU_BANDWIDTH_PASSWORD'), null, null, { apiEndPoint: `${env('HNEMU_BASE_URL')}/api` });
const pollMs = Number(env('POLL_INTERVAL_MS', '250'));
const deadline = Date.now() + Number(env('CLIENT_DEADLINE_MS', '40000'));
const callbackUser = 'conform';
const callbackPassword = randomBytes(12).toString('hex');
const expectedAuthorization = `Basic ${Buffer.from(`${callbackUser}:${callbackPassword}`).toString('base64')}`;

// The SDK is callback-style; this makes each call a promise that cannot hang.
const call = (fn, ...args) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`${fn.name} did not return`)), 10000);
  fn(...args, (error, value) => {
    clearTimeout(timer);
    if (error) reject(error); else resolve(value);
  });
});
const retryPolicy = {
  // Bandwidth's own error codes (19010, ...) are answers, not transient failures.
  statusOf: (error) => error.status ?? (typeof error.code === 'number' ? Math.min(error.code, 400) : undefined),
  retryAfterOf: () => undefined,
};
const retrying = (what, fn, ...args) => withRetries(what, () => call(fn, ...args), retryPolicy);

const receiver = await startReceiver((record) => record.headers.authorization === expectedAuthorization);

const orderData = (tn) => ({
  customerOrderId: `conform-${tn}`,
  siteId: 222,
  sipPeerId: 333,
  loaAuthorizingPerson: 'The Owner',
  subscriber: { name: 'Owner Inc.', serviceAddress: { houseNumber: 1, streetName: 'Main', city: 'Raleigh', stateCode: 'NC', zip: 27601, county: 'Wake' } },
});

const asList = (value) => (value === undefined ? [] : [].concat(value));

async function host(tn) {
  const checked = await retrying('importTnChecker', numbers.ImportTnChecker.check, client, [tn]);
  const problems = asList(checked.importTnCheckerPayload?.importTnErrors?.importTnError);
  if (problems.length > 0) {
    log(`${tn}: not importable: ${problems[0].code} ${problems[0].description}`);
    return `not-importable-${problems[0].code}`;
  }
  const created = await retrying('create', numbers.ImportTnOrder.create, client, orderData(tn), [tn]);
  log(`${tn}: import order ${created.id} is ${created.processingStatus}`);
  const filename = await retrying('LOA upload', created.createFile.bind(created), Buffer.from('%PDF-1.4 signed LOA\n%%EOF\n'), 'application/pdf');
  await retrying('LOA metadata', created.updateFileMetadata.bind(created), filename, { documentName: 'loa', documentType: 'LOA' });
  for (;;) {
    if (Date.now() > deadline) return 'gave-up-in-PROCESSING';
    await receiver.next(pollMs);
    let order;
    try {
      order = await retrying('fetch', numbers.ImportTnOrder.get, client, created.id);
    } catch (error) {
      // The SDK turns an order's own error list into a rejection: the order FAILED.
      if (typeof error.code === 'number' && error.code >= 19000) {
        log(`${tn}: FAILED: ${error.code} ${error.message}`);
        return `FAILED-${error.code}`;
      }
      throw error;
    }
    switch (order.processingStatus) {
      case 'COMPLETE':
      case 'PARTIAL':
      case 'FAILED':
      case 'EXCEPTION':
        log(`${tn}: ${order.processingStatus}`);
        return order.processingStatus;
      default:
        break;
    }
  }
}

// Creating a subscription is not idempotent, and the SDK reads it back after creating it: a retry
// after a failed read-back would create it twice (409). So each attempt looks for it first.
const callbackUrl = receiver.url('/bandwidth');
await withRetries('subscribe', async () => {
  const existing = await call(numbers.Subscription.list, client, { orderType: 'importtnorders' });
  if (existing.some((subscription) => subscription.callbackSubscription?.uRL === callbackUrl)) return;
  await call(numbers.Subscription.create, client, {
    orderType: 'importtnorders',
    callbackSubscription: {
      URL: callbackUrl, expiry: 3600,
      callbackCredentials: { basicAuthentication: { username: callbackUser, password: callbackPassword } },
    },
  });
}, retryPolicy);
const outcomes = [];
for (const tn of env('HOSTED_NUMBERS').split(',')) {
  outcomes.push(await host(tn.trim()));
}
receiver.close();
finish(outcomes.join(','), outcomes.some((o) => o.startsWith('gave-up')) ? 1 : 0);
