// The console (/__hnemu/ui) in Debian's Chromium, driven by playwright-core: a Twilio order made
// with the official SDK shows up, the clock buttons and keys move it, the provider's side (the
// owner keying in the code, the carrier accepting) is driven from the page, a scenario loads
// from the picker, and the page logs no console error. Saves a screenshot as a test artifact.
// Usage: node console/console.test.mjs path/to/hnemu path/to/scenarios [screenshot.png]
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import twilio from 'twilio';
import { runSteps, startHnemu, startReceiver } from '../lib/hnemu.mjs';

const [binary, scenarios, screenshot = 'console.png'] = process.argv.slice(2);
const ACCOUNT = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const NUMBER = '+14153608390';

const hnemu = await startHnemu(binary, ['--seed', '11', '--clock', 'manual', '--scenarios', scenarios]);
const receiver = await startReceiver();
// The owner keys in the code and signs the LOA by hand, and the carrier waits: all in the console.
await hnemu.control('PUT', `/twilio/numbers/${encodeURIComponent(NUMBER)}`,
  { callee: 'manual', loa: { decision: 'never' }, carrier: { decision: 'never' } });

const client = twilio(ACCOUNT, 'your_auth_token');
client.numbers.baseUrl = hnemu.url;
const orders = client.numbers.v2.hostedNumberOrders;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // As root in CI there is no sandbox; the rest keeps Chromium off the (closed) network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const problems = [];
page.on('console', (message) => {
  if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
});
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
page.on('response', (response) => {
  if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
});

const row = (text) => page.locator('#orders-table tbody tr', { hasText: text });
const statusOf = (text) => row(text).locator('td.status .badge');
let sid;

page.setDefaultTimeout(10000);

let passed = false;
try {
  passed = await runSteps([
    ['the console loads and is empty', async () => {
      await page.goto(`${hnemu.url}/__hnemu/ui`);
      await page.getByRole('heading', { name: /Orders and numbers/ }).waitFor();
      await page.locator('#live', { hasText: 'live' }).waitFor();
      assert.equal(await page.locator('#orders-empty').isVisible(), true);
      assert.match(await page.locator('#now').textContent(), /Mon 2026-01-05 09:00:00 UTC/);
    }],
    ['an order made with the SDK appears with its status', async () => {
      const order = await orders.create({
        phoneNumber: NUMBER, contactPhoneNumber: '+12344444444',
        addressSid: 'AD11111111111111111111111111111111', email: 'owner@example.com',
        statusCallbackUrl: receiver.url('/status'),
      });
      sid = order.sid;
      await row(sid).waitFor();
      assert.equal(await statusOf(sid).textContent(), 'twilio-processing');
      // The journal shows the request and its response body.
      const entry = page.locator('#journal-list li', { hasText: '/v2/HostedNumber/Orders' }).first();
      await entry.locator('summary').click();
      await entry.locator('pre', { hasText: sid }).first().waitFor();
    }],
    ['the +1 h button moves virtual time and the status changes', async () => {
      await page.getByRole('button', { name: '+1 h' }).click();
      await page.locator('#now', { hasText: '10:00:00' }).waitFor();
      await statusOf(sid).filter({ hasText: 'received' }).waitFor();
      const steps = await row(sid).locator('.timeline li').count();
      assert.equal(steps, 2, 'the timeline shows both states');
    }],
    ['the owner keys the code in from the console', async () => {
      await orders(sid).update({ status: 'pending-verification' });
      await statusOf(sid).filter({ hasText: 'pending-verification' }).waitFor();
      // The "n" key fires the next timer: the call rings and is answered.
      await page.locator('body').press('n');
      const call = page.locator('#verification-list li', { hasText: NUMBER });
      await call.getByRole('button', { name: 'Owner keys in' }).waitFor();
      const code = (await orders(sid).fetch()).verificationCode;
      assert.equal(await call.locator('.code').textContent(), code);
      await call.getByRole('button', { name: 'Owner keys in' }).click();
      await statusOf(sid).filter({ hasText: 'verified' }).waitFor();
    }],
    ['the owner signs the LOA from the console', async () => {
      const doc = await client.numbers.v2.authorizationDocuments.create({
        addressSid: 'AD11111111111111111111111111111111', email: 'owner@example.com',
        contactPhoneNumber: '+12344444444', hostedNumberOrderSids: [sid],
      });
      await row(doc.sid).getByRole('button', { name: 'Owner signs' }).click();
      await statusOf(doc.sid).filter({ hasText: 'signed' }).waitFor();
      await statusOf(sid).filter({ hasText: 'carrier-processing' }).waitFor();
    }],
    ['the carrier accepts from the console; the SDK sees it', async () => {
      await row(sid).getByRole('button', { name: 'Carrier accepts' }).click();
      await statusOf(sid).filter({ hasText: /testing|completed/ }).waitFor();
      await page.keyboard.press('d');
      await statusOf(sid).filter({ hasText: 'completed' }).waitFor();
      assert.equal((await orders(sid).fetch()).status, 'completed');
      await page.locator('#webhooks-list li', { hasText: 'completed' }).first().waitFor();
    }],
    ['the screenshot is saved', async () => {
      await page.screenshot({ path: screenshot, fullPage: true });
    }],
    ['a scenario loads from the picker and its expectations are judged', async () => {
      await page.getByLabel('Scenario', { exact: true }).selectOption('twilio/happy_path.yaml');
      await page.getByRole('button', { name: 'Load' }).click();
      await page.locator('#notice', { hasText: 'Loaded twilio/happy_path.yaml' }).waitFor();
      await page.locator('#orders-empty').waitFor({ state: 'visible' });
      await page.locator('#expectations-summary', { hasText: /happy_path \(twilio\): \d+ of \d+ hold now/ }).waitFor();
      assert.ok(await page.locator('#expectations-list li.fail').count() > 0, 'nothing ran yet');
    }],
    ['the page logged no console error', async () => {
      assert.deepEqual(problems, []);
    }],
  ]);
  if (!passed) await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
  await receiver.close();
  await hnemu.stop();
}
process.exit(passed ? 0 : 1);
