// The console (/__hnemu/ui) in Debian's Chromium, driven by playwright-core: a Twilio, a Telnyx and
// a Bandwidth flow walked from the page alone (the client's forms send each request, the
// provider's side is played from the page, the clock moves with buttons and keys) to their end; the
// timeline's reasons, the webhook log's receiver status, decoded body and attempt times; the
// layout at 420 px wide; the scenario picker (descriptions, nothing picked, asking before it
// wipes, the hint when there are no scenarios); and no console error. Saves two screenshots.
// Usage: node console/console.test.mjs path/to/hnemu path/to/scenarios [screenshot.png]
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runSteps, startHnemu, startReceiver } from '../lib/hnemu.mjs';

const [binary, scenarios, screenshot = 'console.png'] = process.argv.slice(2);
const narrowScreenshot = screenshot.replace(/(\.png)?$/, '-narrow.png');
const TWILIO_NUMBER = '+14153608390';
const TELNYX_NUMBER = '+13125550177';
const BANDWIDTH_NUMBER = '9195550177';
const PROFILE = 'console-profile';

const hnemu = await startHnemu(binary, ['--seed', '11', '--clock', 'manual', '--scenarios', scenarios]);
const receiver = await startReceiver();
// The owner keys in the code and signs the LOA by hand, and the carrier waits: all on the page.
await hnemu.control('PUT', `/twilio/numbers/${encodeURIComponent(TWILIO_NUMBER)}`,
  { callee: 'manual', loa: { decision: 'never' }, carrier: { decision: 'never' } });
// Telnyx sends its webhooks to the order's messaging profile.
await hnemu.control('POST', '/telnyx/messaging-profiles', { id: PROFILE, name: 'console', webhook_url: receiver.url('/telnyx') });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // As root in CI there is no sandbox; the rest keeps Chromium off the (closed) network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
function watch(page) {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.setDefaultTimeout(10000);
  return page;
}
const page = watch(await browser.newPage({ viewport: { width: 1400, height: 1000 } }));

const row = (id) => page.locator(`#orders-table tbody tr[data-id="${id}"]`);
const statusOf = (id) => row(id).locator('td.status .badge');
const delivery = (text) => page.locator('#webhooks-list > li', { hasText: text }).first();

// Opens a client form (a button ending in "…"), fills it, sends it and reads the answer; closes
// the form. Returns the parsed JSON answer, or the text.
async function send(opener, label, fill = async () => {}, expectStatus = /^20[01] /) {
  await opener.getByRole('button', { name: `${label}…` }).click();
  const dialog = page.getByRole('dialog', { name: label });
  await fill(dialog);
  await dialog.getByRole('button', { name: 'Send' }).click();
  const status = dialog.locator('#client-status');
  await status.filter({ hasText: /\d{3}/ }).waitFor();
  const text = await dialog.locator('#client-body').textContent();
  assert.match(await status.textContent(), expectStatus, text);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const client = (provider) => page.locator(`#client-list li[data-provider="${provider}"]`);
const state = {};

let passed = false;
try {
  passed = await runSteps([
    ['the console loads, empty, with no scenario picked', async () => {
      await page.goto(`${hnemu.url}/__hnemu/ui`);
      await page.getByRole('heading', { name: /Orders and numbers/ }).waitFor();
      await page.locator('#live', { hasText: 'live' }).waitFor();
      assert.equal(await page.locator('#orders-empty').isVisible(), true);
      assert.match(await page.locator('#now').textContent(), /Mon 2026-01-05 09:00:00 UTC/);
      assert.equal(await page.getByLabel('Scenario', { exact: true }).inputValue(), '');
      assert.equal(await page.getByRole('button', { name: 'Load' }).isDisabled(), true);
      // The client acts as the default accounts.
      assert.equal(await client('twilio').getByRole('combobox').inputValue(), 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    }],

    ['Twilio: the order is created from its form, with a status callback', async () => {
      const order = await send(client('twilio'), 'Create a hosted number order', async (form) => {
        await form.getByLabel('Number to host').fill(TWILIO_NUMBER);
        await form.getByLabel('Status callback URL').fill(receiver.url('/status'));
      });
      state.sid = order.sid;
      assert.match(state.sid, /^HR[0-9a-f]{32}$/);
      await row(state.sid).waitFor();
      assert.equal(await statusOf(state.sid).textContent(), 'twilio-processing');
      // The journal shows the request as the client sent it, with the account's credentials.
      const entry = page.locator('#journal-list li', { hasText: '/v2/HostedNumber/Orders' }).first();
      await entry.locator('summary').click();
      await entry.getByText('account ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', { exact: false }).waitFor();
    }],

    ['+1 h: received, each step with its time to the second and its reason in view', async () => {
      await page.getByRole('button', { name: '+1 h' }).click();
      await page.locator('#now', { hasText: '10:00:00' }).waitFor();
      await statusOf(state.sid).filter({ hasText: 'received' }).waitFor();
      const steps = row(state.sid).locator('.timeline li');
      assert.equal(await steps.count(), 2, 'the timeline shows both states');
      await steps.nth(1).getByText('eligibility check passed').waitFor({ state: 'visible' });
      assert.equal(await steps.nth(1).locator('time').textContent(), 'Mon 01-05 09:00:30');
    }],

    ['the webhook row: the receiver\'s status collapsed, the body decoded, the attempt at its own time', async () => {
      const received = delivery('hosted_number_order.received');
      await received.locator('summary', { hasText: 'receiver 200' }).waitFor();
      await received.locator('summary').click();
      await received.getByText('Body (form fields, decoded)').waitFor();
      await received.locator('pre', { hasText: 'Status: received' }).waitFor();
      // The event fired at 09:00:30 during the hour's advance; so was its one attempt.
      assert.equal(await received.locator('summary time').textContent(), 'Mon 01-05 09:00:30');
      assert.equal(await received.locator('.cards li time').textContent(), 'Mon 01-05 09:00:30');
    }],

    ['Twilio: the verification call is requested from the order\'s row; the owner keys the code in', async () => {
      const updated = await send(row(state.sid), 'Request the verification call', async (form) => {
        assert.equal(await form.getByLabel('Status').inputValue(), 'pending-verification');
      });
      assert.equal(updated.status, 'pending-verification');
      // The "n" key fires the next timer: the call rings and is answered.
      await page.locator('body').press('n');
      const call = page.locator('#verification-list li', { hasText: TWILIO_NUMBER });
      await call.getByRole('button', { name: 'Owner keys in' }).click();
      await statusOf(state.sid).filter({ hasText: 'verified' }).waitFor();
    }],

    ['Twilio: the LOA is created from the row (its fields from the order); the owner signs', async () => {
      const doc = await send(row(state.sid), 'Create the LOA', async (form) => {
        assert.equal(await form.getByLabel('Orders').inputValue(), state.sid);
        assert.equal(await form.getByLabel("Signer's email").inputValue(), 'owner@example.com');
      });
      await row(doc.sid).getByRole('button', { name: 'Owner signs' }).click();
      await statusOf(doc.sid).filter({ hasText: 'signed' }).waitFor();
      await statusOf(state.sid).filter({ hasText: 'carrier-processing' }).waitFor();
    }],

    ['Twilio: the carrier accepts, a day passes: completed', async () => {
      await row(state.sid).getByRole('button', { name: 'Carrier accepts' }).click();
      await statusOf(state.sid).filter({ hasText: 'testing' }).waitFor();
      await page.keyboard.press('d');
      await statusOf(state.sid).filter({ hasText: 'completed' }).waitFor();
      await delivery('hosted_number_order.completed').locator('summary', { hasText: 'receiver 200' }).waitFor();
    }],

    ['Telnyx: the number\'s eligibility is checked from its form', async () => {
      const result = await send(client('telnyx'), 'Check eligibility', async (form) => {
        await form.getByLabel('Numbers').fill(TELNYX_NUMBER);
      });
      assert.deepEqual(result.phone_numbers.map((n) => [n.phone_number, n.eligible_status]), [[TELNYX_NUMBER, 'ELIGIBLE']]);
    }],

    ['Telnyx: the order is created on a messaging profile picked from the world', async () => {
      const { data: order } = await send(client('telnyx'), 'Create a hosted number order', async (form) => {
        await form.getByLabel('Numbers').fill(TELNYX_NUMBER);
        await form.getByLabel('Messaging profile').selectOption(PROFILE);
      });
      state.telnyx = order.id;
      assert.equal(order.messaging_profile_id, PROFILE);
      await statusOf(state.telnyx).filter({ hasText: 'pending' }).waitFor();
    }],

    ['Telnyx: a code is sent, read from the inbox on the page and entered', async () => {
      await send(row(state.telnyx), 'Send verification codes', async (form) => {
        assert.equal(await form.getByLabel('Numbers').inputValue(), TELNYX_NUMBER);
      });
      await page.getByRole('button', { name: 'Next timer' }).click();
      const code = await page.locator('#verification-list li', { hasText: TELNYX_NUMBER }).locator('.code').textContent();
      assert.match(code, /^\d{5}$/);
      const { data } = await send(row(state.telnyx), 'Enter a verification code', async (form) => {
        await form.getByLabel('Code (from the inbox)').fill(code);
      });
      assert.deepEqual(data.phone_numbers, [{ phone_number: TELNYX_NUMBER, status: 'verified' }]);
    }],

    ['Telnyx: the LOA and bill go up as sample files', async () => {
      const { data: order } = await send(row(state.telnyx), 'Upload the LOA and bill');
      assert.equal(order.status, 'loa_file_successful');
      await statusOf(state.telnyx).filter({ hasText: 'loa_file_successful' }).waitFor();
      assert.match(await row(state.telnyx).locator('td.status').textContent(), /LOA uploaded, bill uploaded/);
    }],

    ['Telnyx: days pass; the review accepts, the carrier provisions: successful', async () => {
      await page.getByRole('button', { name: '+1 d' }).click();
      await page.getByRole('button', { name: '+1 d' }).click();
      await statusOf(state.telnyx).filter({ hasText: 'provisioning' }).waitFor();
      await page.getByRole('button', { name: '+1 d' }).click();
      await statusOf(state.telnyx).filter({ hasText: 'successful' }).waitFor();
      const hook = delivery('provisioning');
      await hook.locator('summary', { hasText: 'receiver 200' }).waitFor();
      await hook.locator('summary').click();
      await hook.locator('pre', { hasText: '"order_status": "provisioning"' }).waitFor();
      assert.equal(await hook.locator('.cards li time').textContent(), await hook.locator('summary time').textContent());
      assert.equal(receiver.received.filter((r) => r.path === '/telnyx').length > 0, true);
    }],

    ['Bandwidth: numbers checked and an import order created (XML), a sample LOA uploaded: COMPLETE', async () => {
      const checked = await send(client('bandwidth'), 'Check numbers', async (form) => {
        await form.getByLabel('Numbers').fill(BANDWIDTH_NUMBER);
      });
      assert.match(checked, new RegExp(`<TelephoneNumber>${BANDWIDTH_NUMBER}</TelephoneNumber>`));
      const created = await send(client('bandwidth'), 'Create an import order', async (form) => {
        await form.getByLabel('Numbers').fill(BANDWIDTH_NUMBER);
      });
      state.bandwidth = /<OrderId>([0-9a-f-]{36})<\/OrderId>/.exec(created)?.[1];
      assert.ok(state.bandwidth, created);
      await statusOf(state.bandwidth).filter({ hasText: 'RECEIVED' }).waitFor();
      await send(row(state.bandwidth), 'Upload an LOA');
      await row(state.bandwidth).getByText('1 LOA file(s)').waitFor();
      await page.getByRole('button', { name: '+1 h' }).click();
      await statusOf(state.bandwidth).filter({ hasText: 'COMPLETE' }).waitFor();
    }],

    ['the screenshot is saved', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: screenshot, fullPage: true });
    }],

    ['at 420 px wide nothing runs off the side, the forms included', async () => {
      await page.setViewportSize({ width: 420, height: 900 });
      await page.evaluate(() => new Promise(requestAnimationFrame));
      const overflow = () => page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        wider: [...document.querySelectorAll('header, main, .panel, .log, table, dialog[open]')]
          .filter((node) => node.scrollWidth > node.clientWidth + 1).map((node) => node.id || node.className || node.tagName),
      }));
      assert.deepEqual(await overflow(), { page: 420, wider: [] });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: narrowScreenshot });
      await client('bandwidth').getByRole('button', { name: 'Create an import order…' }).click();
      assert.deepEqual(await overflow(), { page: 420, wider: [] });
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
      await page.setViewportSize({ width: 1400, height: 1000 });
    }],

    ['the picker describes a scenario, and asks before loading it wipes the orders', async () => {
      const picker = page.getByLabel('Scenario', { exact: true });
      await picker.selectOption('twilio/happy_path.yaml');
      await page.locator('#scenario-description').filter({ hasText: /\w/ }).waitFor();
      await page.getByRole('button', { name: 'Load' }).click();
      const ask = page.getByRole('dialog', { name: 'Load the scenario' });
      await ask.getByText('the 5 order(s)', { exact: false }).waitFor();
      await ask.getByRole('button', { name: 'Cancel' }).click();
      await row(state.sid).waitFor();
      await page.getByRole('button', { name: 'Load' }).click();
      await ask.getByRole('button', { name: 'Load the scenario' }).click();
      await page.locator('#notice', { hasText: 'Loaded twilio/happy_path.yaml' }).waitFor();
      await page.locator('#orders-empty').waitFor({ state: 'visible' });
      await page.locator('#expectations-summary', { hasText: /happy_path \(twilio\): \d+ of \d+ hold now/ }).waitFor();
      assert.ok(await page.locator('#expectations-list li.fail').count() > 0, 'nothing ran yet');
      assert.equal(await picker.inputValue(), 'twilio/happy_path.yaml');
    }],

    ['with an empty scenarios folder the picker says how to fill it', async () => {
      const empty = await mkdtemp(path.join(tmpdir(), 'hnemu-console-'));
      const bare = await startHnemu(binary, ['--clock', 'manual', '--scenarios', empty]);
      const other = watch(await browser.newPage({ viewport: { width: 420, height: 800 } }));
      try {
        await other.goto(`${bare.url}/__hnemu/ui`);
        await other.locator('#scenario-hint', { hasText: '--scenarios DIR' }).waitFor();
        assert.equal(await other.getByLabel('Scenario', { exact: true }).isDisabled(), true);
      } finally {
        await other.close();
        await bare.stop();
        await rm(empty, { recursive: true });
      }
    }],

    ['the pages logged no console error', async () => {
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
