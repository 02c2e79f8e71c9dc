// The official @bandwidth/numbers client (2.x) against `hnemu serve`: checker, subscription,
// import order to COMPLETE with a notification carrying the subscription's Basic credentials,
// LOA upload, a FAILED (carrier rejection) and a never-completing order, remove orders, and bad
// input. Every client call is bounded: a hang fails the test instead of stalling it.
// Usage: node bandwidth/e2e.test.mjs path/to/hnemu
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { runSteps, startHnemu, startReceiver } from '../lib/hnemu.mjs';

const numbers = createRequire(import.meta.url)('@bandwidth/numbers');
const binary = process.argv[2];
const ACCOUNT = '9900000';
const USER = 'hnemu';
const PASSWORD = 'hnemu-password';
const GOOD = ['9199918388', '4158714245'];
const REJECTED = '9199918300';
const STUCK = '9199918301';
const ROUTELESS = '9199918302';

const hnemu = await startHnemu(binary, ['--seed', '5', '--clock', 'manual']);
const receiver = await startReceiver();
const client = new numbers.Client(ACCOUNT, USER, PASSWORD, null, null, { apiEndPoint: `${hnemu.url}/api` });

// Calls a callback-style client function; fails after 5 s instead of hanging.
function call(fn, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client call did not return: ${fn.name}`)), 5000);
    fn(...args, (err, value) => {
      clearTimeout(timer);
      if (err) reject(err); else resolve(value);
    });
  });
}

const orderData = (customerOrderId) => ({
  customerOrderId,
  siteId: 222,
  sipPeerId: 333,
  loaAuthorizingPerson: 'The Authguy',
  subscriber: { name: 'ABC Inc.', serviceAddress: { houseNumber: 11235, streetName: 'Back', city: 'Denver', stateCode: 'CO', zip: 27541, county: 'Canyon' } },
});

const state = {};
const ok = await runSteps([
  ['number profiles: a carrier rejection, an order that never finishes, no messaging route', async () => {
    await hnemu.control('PUT', `/bandwidth/numbers/${REJECTED}`, { import: { outcome: 'error', code: 19010 } });
    await hnemu.control('PUT', `/bandwidth/numbers/${STUCK}`, { import: { outcome: 'never' } });
    await hnemu.control('PUT', `/bandwidth/numbers/${ROUTELESS}`, { checker_code: 19005 });
  }],

  ['importTnChecker: importable numbers and errors grouped by code', async () => {
    const result = await call(numbers.ImportTnChecker.check, client, [...GOOD, ROUTELESS]);
    const payload = result.importTnCheckerPayload;
    assert.deepEqual(payload.telephoneNumbers.telephoneNumber, GOOD);
    assert.equal(payload.importTnErrors.importTnError.code, 19005);
    assert.equal(payload.importTnErrors.importTnError.description, 'Messaging route of External Third Party TNs is not configured.');
    assert.equal(payload.importTnErrors.importTnError.telephoneNumbers.telephoneNumber, ROUTELESS);
  }],

  ['subscription for importtnorders with Basic credentials', async () => {
    const subscription = await call(numbers.Subscription.create, client, {
      orderType: 'importtnorders',
      callbackSubscription: { URL: receiver.url('/bandwidth'), expiry: 90 * 86400, callbackCredentials: { basicAuthentication: { username: 'cbuser', password: 'cbpass' } } },
    });
    assert.match(subscription.id, /^[0-9a-f-]{36}$/);
    const listed = await call(numbers.Subscription.list, client, {});
    assert.equal(listed.length, 1);
    const fetched = await call(numbers.Subscription.get, client, subscription.id);
    assert.equal(fetched.callbackSubscription.status, 'READY');
    assert.equal(fetched.callbackSubscription.callbackCredentials.basicAuthentication.password, undefined);
    state.subscription = subscription.id;
  }],

  ['create an import order: 201, RECEIVED, wrapped', async () => {
    const order = await call(numbers.ImportTnOrder.create, client, orderData('order-1'), GOOD);
    assert.equal(order.processingStatus, 'RECEIVED');
    assert.equal(order.createdByUser, USER);
    assert.match(order.id, /^[0-9a-f-]{36}$/);
    state.order = order;
  }],

  ['upload an LOA (chunked raw body), list and read it back', async () => {
    const pdf = Buffer.from('%PDF-1.4 signed LOA\n%%EOF\n');
    const filename = await call(state.order.createFile.bind(state.order), pdf, 'application/pdf');
    assert.match(filename, new RegExp(`^${state.order.id}-\\d+\\.pdf$`));
    await call(state.order.updateFileMetadata.bind(state.order), filename, { documentName: 'loa', documentType: 'LOA' });
    const files = await call(state.order.getFiles.bind(state.order), true);
    assert.equal(files.fileName, filename);
    assert.equal(files.fileMetaData.documentType, 'LOA');
    // Without metadata Bandwidth lists <fileNames>, which this client drops (it reads fileData).
    assert.equal(await call(state.order.getFiles.bind(state.order)), undefined);
    const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const metadataUrl = `${hnemu.url}/api/accounts/${ACCOUNT}/importTnOrders/${state.order.id}/loas/${filename}/metadata`;
    const deleted = await fetch(metadataUrl, { method: 'DELETE', headers: { Authorization: auth } });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.headers.get('content-type'), 'application/xml');
    const metadata = await call(state.order.getFileMetadata.bind(state.order), filename);
    assert.deepEqual(metadata, { documentType: 'LOA' });
    const response = await fetch(`${hnemu.url}/api/accounts/${ACCOUNT}/importtnorders/${state.order.id}/loas/${filename}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    });
    assert.equal(response.status, 200);
    assert.equal(Buffer.from(await response.arrayBuffer()).toString(), pdf.toString());
  }],

  ['the order completes in virtual time and the notification arrives with Basic credentials', async () => {
    await hnemu.advance('1s');
    const order = await call(numbers.ImportTnOrder.get, client, state.order.id);
    assert.equal(order.processingStatus, 'COMPLETE');
    assert.equal(order.errors, 0);  // <Errors/>: nothing for the client to throw on
    const history = await call(order.getHistory.bind(order));
    assert.deepEqual(history.map((h) => h.status), ['received', 'processing', 'complete']);
    await hnemu.settledWebhooks(1);
    assert.equal(receiver.received.length, 1);
    const note = receiver.received[0];
    assert.equal(note.headers.authorization, `Basic ${Buffer.from('cbuser:cbpass').toString('base64')}`);
    assert.match(note.body, /<Status>COMPLETE<\/Status>/);
    assert.match(note.body, new RegExp(`<OrderId>${state.order.id}</OrderId>`));
    assert.match(note.body, /<CustomerOrderId>order-1<\/CustomerOrderId>/);
    const fetched = await call(numbers.Subscription.get, client, state.subscription);
    assert.equal(fetched.callbackSubscription.status, '200 OK: ok');  // the receiver's answer
  }],

  ['in-service numbers: listed, paged, counted and checked one by one; /tns/{tn}', async () => {
    const listed = await call(numbers.InServiceNumber.list, client, { areacode: 919 });
    assert.equal(listed.totalCount, 1);
    assert.equal(listed.telephoneNumbers.telephoneNumber, GOOD[0]);
    const paged = await call(numbers.InServiceNumber.list, client, { size: 1 });
    assert.equal(paged.totalCount, 2);
    assert.equal(paged.telephoneNumbers.count, 1);
    assert.match(paged.links.next, /^Link=<http:\/\/127\.0\.0\.1:\d+\/api\/accounts\/9900000\/inserviceNumbers\?page=2&size=1>;rel="next";$/);
    assert.deepEqual(await call(numbers.InServiceNumber.list, client, { npanxx: 212555 }), {});
    assert.equal((await call(numbers.InServiceNumber.totals, client)).count, 2);
    assert.deepEqual(await call(numbers.InServiceNumber.get, client, GOOD[1]), {});
    await assert.rejects(call(numbers.InServiceNumber.get, client, REJECTED), (error) => error.status === 404);
    const tn = await call(numbers.Tn.get, client, GOOD[1]);
    assert.equal(tn.status, 'Inservice');
    assert.equal(tn.orderId, state.order.id);
    assert.equal(tn.orderType, 'IMPORT_TN_ORDER');
    assert.equal(String(tn.siteId), '222');
    assert.equal(String(tn.accountId), ACCOUNT);
    await assert.rejects(call(numbers.Tn.get, client, REJECTED), (error) => error.status === 404);
  }],

  ['FAILED: the TN is rejected; the client surfaces the single error', async () => {
    const order = await call(numbers.ImportTnOrder.create, client, orderData('order-2'), [REJECTED]);
    await hnemu.advance('1s');
    await assert.rejects(call(numbers.ImportTnOrder.get, client, order.id), (error) => {
      assert.equal(error.code, 19010);
      assert.equal(error.message, 'Unable to provision telephone numbers. Please contact Bandwidth Support.');
      return true;
    });
    const summaries = await call(numbers.ImportTnOrder.list, client, { status: ['FAILED'] });
    assert.equal(summaries.totalCount, 1);
    assert.equal(summaries.importTnOrderSummary.orderStatus, 'FAILED');
    await hnemu.settledWebhooks(2);
    assert.match(receiver.received[1].body, /<Status>FAILED<\/Status>/);
  }],

  ['an order that never completes stays PROCESSING; every call still returns', async () => {
    const order = await call(numbers.ImportTnOrder.create, client, orderData('order-3'), [STUCK]);
    await hnemu.advance('30d');
    const stuck = await call(numbers.ImportTnOrder.get, client, order.id);
    assert.equal(stuck.processingStatus, 'PROCESSING');
    assert.equal(receiver.received.length, 2, 'no notification for an unfinished order');
  }],

  ['remove imported TNs: they go back to their prior state', async () => {
    const removal = await call(numbers.RemoveImportedTnOrder.create, client, 'rm-1', [GOOD[0]]);
    assert.equal(removal.processingStatus, 'RECEIVED');
    await hnemu.advance('1s');
    const done = await call(numbers.RemoveImportedTnOrder.get, client, removal.orderId, {});
    assert.equal(done.processingStatus, 'COMPLETE');
    const { in_service_numbers: inService } = await hnemu.control('GET', '/state?provider=bandwidth');
    assert.deepEqual(inService.map((entry) => entry.tn), [GOOD[1]]);
  }],

  ['bad input: Bandwidth statuses and shapes, never a 500 or a hang', async () => {
    const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const raw = async (method, path, body, headers = {}) => {
      const response = await fetch(`${hnemu.url}/api/accounts/${path}`, {
        method, body, headers: { Authorization: auth, 'Content-Type': 'application/xml', ...headers },
      });
      return [response.status, await response.text()];
    };
    let [status, body] = await raw('POST', `${ACCOUNT}/importtnorders`, '<ImportTnOrder><SiteId>');
    assert.equal(status, 400);
    assert.match(body, /<ResponseStatus>\s*<ErrorCode>1003<\/ErrorCode>/);
    [status, body] = await raw('POST', `${ACCOUNT}/importtnorders`, '<Order/>');
    assert.equal(status, 400);
    assert.match(body, /root element &lt;ImportTnOrder&gt;/);
    [status, body] = await raw('POST', `${ACCOUNT}/importTnChecker`, '<ImportTnCheckerPayload><TelephoneNumbers><TelephoneNumber>123</TelephoneNumber></TelephoneNumbers></ImportTnCheckerPayload>');
    assert.equal(status, 400);
    assert.match(body, /<Errors>\s*<Code>7201<\/Code>/);
    [status, body] = await raw('GET', `${ACCOUNT}/importtnorders/not-a-uuid`);
    assert.equal(status, 400);
    assert.match(body, /<ErrorCode>1008<\/ErrorCode>\s*<Description>'not-a-uuid' is not a valid UUID/);
    [status] = await raw('GET', `${ACCOUNT}/importtnorders/00000000-0000-4000-8000-000000000000`);
    assert.equal(status, 404);
    [status, body] = await raw('GET', `9900001/importtnorders/${state.order.id}`);
    assert.equal(status, 403);
    assert.match(body, /Access Denied/);
    [status, body] = await raw('GET', `${ACCOUNT}/importtnorders`, undefined, { Authorization: 'Basic d3Jvbmc6d3Jvbmc=' });
    assert.equal(status, 401);
    assert.equal(body, '');
    await hnemu.control('POST', '/bandwidth/accounts', { account_id: '9900001', username: 'other', password: 'other-pw' });
    const otherAuth = `Basic ${Buffer.from('other:other-pw').toString('base64')}`;
    [status] = await raw('GET', `9900001/importtnorders/${state.order.id}`, undefined, { Authorization: otherAuth });
    assert.equal(status, 404, "another account's order is not found");
    const wrongCreds = new numbers.Client(ACCOUNT, USER, 'nope', null, null, { apiEndPoint: `${hnemu.url}/api` });
    await assert.rejects(call(numbers.ImportTnOrder.get, wrongCreds, state.order.id), (error) => error.status === 401);
    await assert.rejects(call(state.order.createFile.bind(state.order), Buffer.from('x'), 'application/x-unknown'), (error) => error.code === 7640);
  }],

  ['replace an LOA, list remove orders with history, update and delete a subscription', async () => {
    const order = await call(numbers.ImportTnOrder.get, client, state.order.id);
    const files = await call(order.getFiles.bind(order), true);
    const filename = files.fileName;
    await call(order.updateFile.bind(order), filename, Buffer.from('%PDF-1.4 re-signed\n'), 'application/pdf');
    const removals = await call(numbers.RemoveImportedTnOrder.list, client, { status: 'COMPLETE' });
    assert.equal(removals.totalCount, 1);
    const removal = Object.assign(new numbers.RemoveImportedTnOrder(), { client, id: removals.removeImportedTnOrderSummary.orderId });
    const history = await call(removal.getHistory.bind(removal));
    assert.deepEqual(history.map((h) => h.status), ['received', 'processing', 'complete']);
    const subscription = await call(numbers.Subscription.get, client, state.subscription);
    await call(subscription.update.bind(subscription), {
      orderType: 'importtnorders', callbackSubscription: { URL: receiver.url('/bandwidth-2'), expiry: 60 },
    });
    const updated = await call(numbers.Subscription.get, client, state.subscription);
    assert.equal(updated.callbackSubscription.uRL, receiver.url('/bandwidth-2'));
    await call(updated.delete.bind(updated));
    await assert.rejects(call(numbers.Subscription.get, client, state.subscription), (error) => error.status === 404);
  }],

  ['MESSAGING_LOST: a port-away takes the TN out of service and tells the event subscribers', async () => {
    await call(numbers.Subscription.create, client, {
      eventType: 'MESSAGING_LOST', callbackSubscription: { URL: receiver.url('/messaging-lost'), expiry: 3600 },
    });
    const before = (await hnemu.control('GET', '/webhooks')).deliveries.length;
    await hnemu.control('POST', `/bandwidth/numbers/${GOOD[1]}/messaging-lost`, {});
    await hnemu.settledWebhooks(before + 1);
    const note = receiver.received.find((r) => r.path === '/messaging-lost');
    assert.match(note.body, /<EventType>MESSAGING_LOST<\/EventType>/);
    assert.match(note.body, new RegExp(`<ImpactedTelephoneNumbers>\\s*<TelephoneNumber>${GOOD[1]}</TelephoneNumber>`));
    await assert.rejects(call(numbers.InServiceNumber.get, client, GOOD[1]), (error) => error.status === 404);
  }],

  ['SIGTERM stops the server cleanly', async () => {
    assert.equal(await hnemu.stop(), 0);
  }],
]);

await receiver.close();
await hnemu.stop();
process.exit(ok ? 0 : 1);
