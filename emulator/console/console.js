// The hnemu console: reads the control API (/__hnemu/...) once a second and renders it; every
// button is one control-API call, and the client's forms send the provider's own API requests
// with an account's credentials. No framework and no build step: it is embedded in the binary.
'use strict';

const API = '/__hnemu';
const POLL_MS = 1000;
const JOURNAL_KEEP = 300;
const WEBHOOKS_KEEP = 200;
const VERIFICATION_KEEP = 100;  // the newest calls and inbox messages shown

const byId = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// `hnemu serve --admin-token T`: the page is opened as /__hnemu/ui#token=T. The fragment never
// reaches a server or a log; it is kept for this tab only.
const ADMIN_TOKEN = (() => {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem('hnemu-admin-token', fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('hnemu-admin-token');
})();

async function api(method, path, body) {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  if (ADMIN_TOKEN) headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
  const response = await fetch(API + path, {
    method,
    cache: 'no-store',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, parsed?.error?.message ?? `${response.status} ${text.slice(0, 200)}`);
  }
  return parsed;
}

// ---- virtual time, as people read it --------------------------------------------------------

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function fullTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function shortTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.toISOString().slice(5, 19).replace('T', ' ')}`;
}

function span(ms) {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const parts = [];
  let seconds = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

function timeEl(iso, format = shortTime) {
  return el('time', { datetime: iso, title: fullTime(iso) }, format(iso));
}

function pretty(text) {
  if (typeof text !== 'string' || text === '') return text ?? '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// Statuses of every provider, by what they mean for the person watching.
function statusTone(status) {
  const s = String(status).toLowerCase();
  if (/fail|reject|cancel|ineligible|invalid|declined|deleted|exception|error|not-found|incomplete/.test(s)) return 'bad';
  if (/complete|successful|^active$|verified|^signed$|in-service|^delivered$/.test(s)) return 'good';
  if (/action|pending|required|signing|processing|provisioning|received|retrying|queued|in-progress/.test(s)) return 'wait';
  return '';
}

function badge(status) {
  return el('span', { class: `badge ${statusTone(status)}` }, status);
}

// ---- notices and actions --------------------------------------------------------------------

let noticeTimer = null;
function notify(message, ok = false) {
  const notice = byId('notice');
  notice.textContent = message;
  notice.className = ok ? 'notice ok' : 'notice';
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, ok ? 4000 : 10000);
}

// Runs one control-API call for a button, then refreshes everything at once.
async function act(button, label, method, path, body) {
  if (button) button.disabled = true;
  try {
    await api(method, path, body);
    notify(label, true);
  } catch (error) {
    notify(`${label}: ${error.message}`);
  } finally {
    if (button) button.disabled = false;
    await refresh();
  }
}

function actionButton(text, tone, focusKey, label, method, path, body) {
  const button = el('button', { type: 'button', class: tone, 'data-focus-key': focusKey }, text);
  button.addEventListener('click', () => act(button, label, method, path, body));
  return button;
}

// A choice and a button that sends it: the reviewer's outcome, the carrier's decision.
function choiceAction(text, choices, focusKey, label, path, field) {
  const select = el('select', { 'aria-label': `${text}: outcome`, 'data-focus-key': `${focusKey}:choice` },
    choices.map((choice) => el('option', { value: choice }, choice)));
  const button = el('button', { type: 'button', 'data-focus-key': `${focusKey}:go` }, text);
  button.addEventListener('click', () =>
    act(button, `${label}: ${select.value}`, 'POST', path, { [field]: select.value }));
  return [select, button];
}

// ---- orders and numbers ---------------------------------------------------------------------

function bySequence(list) {
  return [...(list ?? [])].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
}

function historyOf(entries, noteField) {
  return (entries ?? []).map((entry) => ({ status: entry.status, time: entry.time, note: entry[noteField] ?? '' }));
}

// Each provider describes what to show of its resources and which of its side's actions to offer
// (GET /__hnemu/providers; emulator/providers/README.md has the shape).
let PROVIDERS = [];
const titleOf = (name) => PROVIDERS.find((p) => p.name === name)?.title ?? name;

// A value at a path of an item: "phone_number", "documents.loa", "phone_numbers[].phone_number"
// (each item's field) or "telephone_numbers[]" (each item).
function valueAt(item, path) {
  if (!path) return undefined;
  const [head, rest] = path.split('[]');
  let value = head.split('.').reduce((v, key) => v?.[key], item);
  if (rest !== undefined) {
    const field = rest.replace(/^\./, '');
    value = (value ?? []).map((each) => (field ? valueAt(each, field) : each));
  }
  return value;
}

// "{field}" is the item's field, "{account.field}" the account's (a client request's path).
function fill(template, item, account = {}) {
  return template.replace(/\{(account\.)?([a-z_]+)\}/g, (_, ofAccount, field) =>
    encodeURIComponent(String((ofAccount ? account : item)[field] ?? '')));
}

function detailOf(item, parts) {
  return (parts ?? []).map((part) => {
    let value = valueAt(item, part.path);
    if (part.count) value = (value ?? []).length;
    else if (part.yes !== undefined) value = value ? part.yes : part.no;
    else if (Array.isArray(value)) value = value.join(', ');
    return value ? part.format.replace('{}', value) : '';
  }).filter(Boolean).join(', ');
}

function actionsOf(resource, item, key) {
  const done = (action) => decodeURIComponent(fill(action.done, item));
  return (resource.actions ?? []).filter((action) => action.when.includes(item.status)).flatMap((action) =>
    action.choice
      ? choiceAction(action.label, action.choice.options, key, done(action), fill(action.path, item), action.choice.field)
      : [actionButton(action.label, action.tone, `${key}:${action.label}`, done(action), action.method,
        fill(action.path, item), action.body)]);
}

// The client's next requests for an item in its status: each opens its form.
function stepsOf(provider, resource, item, key) {
  return (resource.steps ?? []).filter((step) => step.when.includes(item.status)).map((step) => {
    const button = el('button', { type: 'button', class: 'client', 'data-focus-key': `${key}:${step.label}` }, `${step.label}…`);
    button.addEventListener('click', () => openClientForm(provider, step, item));
    return button;
  });
}

function rowsOf(provider, state) {
  const rows = [];
  for (const resource of provider.resources) {
    for (const item of bySequence(state?.[resource.collection])) {
      const id = item[resource.id];
      const numbers = valueAt(item, resource.numbers);
      const key = `${provider.name}:${id}`;
      rows.push({
        provider: provider.title, kind: resource.kind, id,
        numbers: numbers === undefined ? [] : [numbers].flat(),
        status: item.status, history: resource.history ? historyOf(item[resource.history], resource.history_note) : [],
        detail: detailOf(item, resource.detail),
        steps: stepsOf(provider, resource, item, key),
        actions: actionsOf(resource, item, key),
      });
    }
  }
  return rows;
}

// Each step with its time and, in words, why it happened.
function timelineEl(history) {
  if (history.length === 0) return el('span', { class: 'muted' }, '—');
  return el('ol', { class: 'timeline' }, history.map((step, i) => {
    const gap = i === 0 ? null : el('span', { class: 'gap' }, `+${span(new Date(step.time) - new Date(history[i - 1].time))}`);
    return el('li', {}, el('div', {}, badge(step.status), timeEl(step.time), gap),
      step.note ? el('div', { class: 'note' }, step.note) : null);
  }));
}

function nextStepsEl(row) {
  const groups = [];
  if (row.steps.length) groups.push(el('div', { class: 'actions' }, el('span', { class: 'who' }, 'Client:'), row.steps));
  if (row.actions.length) groups.push(el('div', { class: 'actions' }, el('span', { class: 'who' }, "Provider's side:"), row.actions));
  return groups.length ? groups : el('span', { class: 'muted' }, '—');
}

// Replaces a list's children; the control that had the focus (by its data-focus-key) keeps it,
// so a poll does not pull a person's keyboard out of a half-typed code.
function replaceKeepingFocus(container, children) {
  const focused = document.activeElement?.dataset?.focusKey;
  container.replaceChildren(...children);
  if (focused) container.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}

let ordersKey = '';
function renderOrders(state) {
  const rows = PROVIDERS.flatMap((provider) => rowsOf(provider, state[provider.name]));
  // Re-render only on change, so a half-made choice in an open select survives the next poll.
  const key = JSON.stringify(rows.map(({ actions, steps, ...rest }) => [rest, actions.length, steps.length]));
  if (key === ordersKey) return;
  ordersKey = key;
  orderCount = rows.length;
  byId('orders-count').textContent = rows.length ? `(${rows.length})` : '';
  byId('orders-empty').hidden = rows.length > 0;
  byId('orders-table').hidden = rows.length === 0;
  // data-label names each cell where a narrow screen shows a row as a card.
  replaceKeepingFocus(byId('orders-table').tBodies[0], rows.map((row) => el('tr', { 'data-id': row.id },
    el('td', { 'data-label': 'Provider' }, row.provider),
    el('td', { 'data-label': 'Resource' }, row.kind, el('span', { class: 'id mono' }, row.id)),
    el('td', { 'data-label': 'Number', class: 'mono' }, row.numbers.join(', ') || '—'),
    el('td', { 'data-label': 'Status', class: 'status' }, badge(row.status), row.detail ? el('span', { class: 'id' }, row.detail) : null),
    el('td', { 'data-label': 'Timeline' }, timelineEl(row.history)),
    el('td', { 'data-label': 'Next steps', class: 'next' }, nextStepsEl(row)))));
}

// ---- acting as the client: the provider's own API, with one of its accounts -----------------

// Each provider's part of the last state read: accounts, messaging profiles and the like, which
// the client's forms draw on.
let STATE = {};

function accountsOf(provider) {
  return valueAt(STATE[provider.name], provider.client.accounts) ?? [];
}

// The account a request goes out as: the item's owner, or the one picked for the provider.
function accountFor(provider, item) {
  const accounts = accountsOf(provider);
  const [itemField, accountField] = provider.client.owner ?? [];
  const owner = item && itemField ? accounts.find((account) => account[accountField] === item[itemField]) : undefined;
  const picked = byId(`account-${provider.name}`)?.value;
  return owner ?? accounts.find((account) => String(account[provider.client.account_label]) === picked) ?? accounts[0];
}

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function authorization(auth, account) {
  if (auth.basic) return `Basic ${base64(`${account[auth.basic[0]]}:${account[auth.basic[1]]}`)}`;
  if (auth.bearer) return `Bearer ${account[auth.bearer]}`;
  return undefined;
}

// What a file field sends when nobody picks a file: a minimal PDF, named after the field.
function sampleFile(field) {
  const text = `%PDF-1.4\n% A sample ${field.label} sent by the hnemu console.\n%%EOF\n`;
  return new File([text], `sample-${field.name}.pdf`, { type: field.file });
}

// One field's control. `source` is what `from` reads: the item a step acts on, or the provider's
// state for a form that starts a flow.
function fieldControl(field, source, id) {
  const from = field.from === undefined ? undefined : valueAt(source, field.from);
  const common = { id, name: field.name, 'data-field': field.name };
  if (field.file) {
    return [el('input', { ...common, type: 'file', accept: field.file, 'aria-describedby': `${id}-hint` }),
      el('span', { class: 'hint', id: `${id}-hint` }, 'none chosen: a sample PDF is sent')];
  }
  const options = field.options ?? (!field.list && Array.isArray(from) ? from : null);
  if (options) {
    return el('select', common, options.map((option) => el('option', { value: option }, option)),
      field.optional ? el('option', { value: '' }, '(none)') : null);
  }
  const value = from ?? field.value ?? '';
  return [el('input', {
    ...common, type: 'text', value: Array.isArray(value) ? value.join(', ') : value,
    required: !field.optional, readonly: field.fixed, spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': field.list ? `${id}-hint` : undefined,
  }), field.list ? el('span', { class: 'hint', id: `${id}-hint` }, 'one or more, separated by commas') : null];
}

// The field's value as the request carries it; undefined for an optional field left empty.
function fieldValue(field, control) {
  if (field.file) return control.files[0] ?? sampleFile(field);
  const text = control.value.trim();
  if (field.list) {
    const items = text.split(/[\s,]+/).filter(Boolean);
    return items.length || !field.optional ? items : undefined;
  }
  return text === '' && field.optional ? undefined : text;
}

const xmlEscape = (text) => String(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A JSON body template: a string "{name}" is that field's value; keys of omitted fields go.
function fillJson(template, values) {
  if (typeof template === 'string') {
    const name = /^\{(\w+)\}$/.exec(template)?.[1];
    return name === undefined ? template : values[name];
  }
  if (Array.isArray(template)) return template.map((each) => fillJson(each, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, each]) => [key, fillJson(each, values)])
      .filter(([, each]) => each !== undefined));
  }
  return template;
}

// The request's body and its Content-Type (none: the browser sets multipart's boundary).
function requestBody(request, values) {
  const present = request.fields.filter((field) => values[field.name] !== undefined);
  switch (request.format) {
    case 'form': {
      const form = new URLSearchParams();
      for (const field of present) [values[field.name]].flat().forEach((each) => form.append(field.name, each));
      return { body: form.toString(), type: 'application/x-www-form-urlencoded' };
    }
    case 'multipart': {
      const form = new FormData();
      for (const field of present) [values[field.name]].flat().forEach((each) => form.append(field.name, each));
      return { body: form };
    }
    case 'json': {
      const body = request.body === undefined
        ? Object.fromEntries(present.map((field) => [field.name, values[field.name]]))
        : fillJson(request.body, values);
      return { body: JSON.stringify(body), type: 'application/json' };
    }
    case 'xml': {
      const byName = Object.fromEntries(request.fields.map((field) => [field.name, field]));
      const body = request.body.replace(/\{(\w+)\}/g, (_, name) => {
        const value = values[name] ?? '';
        const element = byName[name]?.element;
        return element ? [value].flat().map((each) => `<${element}>${xmlEscape(each)}</${element}>`).join('') : xmlEscape(value);
      });
      return { body, type: 'application/xml' };
    }
    case 'file': {
      const file = values[request.fields.find((field) => field.file).name];
      return { body: file, type: file.type };
    }
    default:
      throw new Error(`the console cannot send a '${request.format}' body`);
  }
}

// The form being shown: which provider's request, for which item, as which account.
let clientForm = null;

function openClientForm(provider, request, item) {
  const account = accountFor(provider, item);
  if (!account) {
    notify(`${provider.title} has no account in this world to send the request as`);
    return;
  }
  const path = fill(request.path, item ?? {}, account);
  clientForm = { provider, request, item, account, path };
  byId('client-heading').textContent = request.label;
  byId('client-target').replaceChildren(`${provider.title}, as ${account[provider.client.account_label]}: `,
    el('span', { class: 'mono' }, `${request.method} ${decodeURIComponent(path)}`));
  const source = item ?? STATE[provider.name];
  byId('client-fields').replaceChildren(...request.fields.map((field, i) => {
    const id = `client-field-${i}`;
    return el('div', { class: 'field' }, el('label', { for: id }, field.label), fieldControl(field, source, id));
  }));
  byId('client-response').hidden = true;
  byId('client-dialog').showModal();
  byId('client-fields').querySelector('input:not([readonly]), select')?.focus();
}

async function sendClientForm(button) {
  const { provider, request, account, path } = clientForm;
  const values = {};
  for (const field of request.fields) {
    values[field.name] = fieldValue(field, byId('client-fields').querySelector(`[data-field="${CSS.escape(field.name)}"]`));
  }
  const { body, type } = requestBody(request, values);
  const headers = type ? { 'Content-Type': type } : {};
  const credentials = authorization(provider.client.auth, account);
  if (credentials) headers.Authorization = credentials;
  button.disabled = true;
  try {
    const response = await fetch(path, { method: request.method, headers, body, cache: 'no-store' });
    const text = await response.text();
    byId('client-status').textContent = `${response.status} ${response.statusText}`;
    byId('client-status').className = statusClass(response.status);
    byId('client-body').textContent = pretty(text) || '(no body)';
  } catch (error) {
    byId('client-status').textContent = 'not sent';
    byId('client-status').className = 'status-0';
    byId('client-body').textContent = error.message;
  } finally {
    byId('client-response').hidden = false;
    button.disabled = false;
    await refresh();
  }
}

// Per provider: the account to act as, and the requests that start a flow.
let clientKey = '';
function renderClient() {
  const providers = PROVIDERS.filter((provider) => provider.client);
  const key = JSON.stringify(providers.map((provider) =>
    accountsOf(provider).map((account) => account[provider.client.account_label])));
  if (key === clientKey) return;
  clientKey = key;
  replaceKeepingFocus(byId('client-list'), providers.map((provider) => {
    const accounts = accountsOf(provider);
    const id = `account-${provider.name}`;
    const picked = byId(id)?.value;
    const label = (account) => String(account[provider.client.account_label]);
    return el('li', { 'data-provider': provider.name },
      el('h3', {}, provider.title),
      accounts.length
        ? el('label', { class: 'account' }, 'as ', el('select', { id, 'data-focus-key': id },
          accounts.map((account) => el('option', { value: label(account), selected: label(account) === picked ? true : undefined }, label(account)))))
        : el('span', { class: 'muted' }, 'no account in this world'),
      el('div', { class: 'actions' }, provider.client.start.map((request) => {
        const button = el('button', { type: 'button', class: 'client', disabled: accounts.length ? undefined : true,
          'data-focus-key': `${provider.name}:${request.label}` }, `${request.label}…`);
        button.addEventListener('click', () => openClientForm(provider, request, null));
        return button;
      })));
  }));
}

// ---- verification: calls placed to numbers (a person keys in the code), codes sent by SMS -----

let verificationKey = '';
function renderVerification(calls, messages) {
  const key = JSON.stringify([calls, messages]);
  if (key === verificationKey) return;
  verificationKey = key;
  const items = [];
  for (const call of calls) {
    const live = call.outcome === 'in-progress' || call.outcome === 'queued';
    const focusKey = `call:${call.call_sid}`;
    const digits = el('input', {
      class: 'digits mono', inputmode: 'numeric', value: call.code ?? '', 'data-focus-key': `${focusKey}:digits`,
      'aria-label': `Digits to key in on call ${call.call_sid}`,
    });
    const keyIn = el('button', { type: 'button', class: 'good', 'data-focus-key': `${focusKey}:key` }, 'Owner keys in');
    const path = `/${call.provider}/calls/${call.call_sid}`;
    keyIn.addEventListener('click', () => act(keyIn, `Keyed ${digits.value} into ${call.call_sid}`,
      'POST', path, { digits: digits.value }));
    items.push(el('li', { 'data-call': call.call_sid },
      el('div', {}, el('strong', {}, `${titleOf(call.provider)} verification call `), el('span', { class: 'mono' }, call.to),
        ` attempt ${call.attempt} `, badge(call.outcome)),
      el('div', {}, 'Code read out: ', el('span', { class: 'code mono' }, call.code ?? '—'),
        ` · owner: ${call.callee}`, call.digits_entered ? ` · keyed in ${call.digits_entered}` : ''),
      el('div', { class: 'muted' }, 'placed ', timeEl(call.placed_at), call.ended_at ? [' · ended ', timeEl(call.ended_at)] : ''),
      live ? el('div', { class: 'actions' }, digits, keyIn,
        actionButton("Owner doesn't answer", 'danger', `${focusKey}:no`, `${call.call_sid} not answered`,
          'POST', path, { answer: false })) : null));
  }
  for (const message of messages) {
    items.push(el('li', {},
      el('div', {}, el('strong', {}, `${titleOf(message.provider)} ${message.method} to `), el('span', { class: 'mono' }, message.to)),
      el('div', {}, 'Code: ', el('span', { class: 'code mono' }, message.code), ` · “${message.body}”`),
      el('div', { class: 'muted' }, 'delivered ', timeEl(message.delivered_at), ` · order ${message.order_id}`)));
  }
  byId('verification-empty').hidden = items.length > 0;
  replaceKeepingFocus(byId('verification-list'), items);
}

// ---- journal and webhooks: append-only logs, newest first ----------------------------------

function statusClass(status) {
  return `status-${String(status).charAt(0)}`;
}

function bodyBlock(title, text) {
  if (!text) return null;
  return [el('h3', {}, title), el('pre', {}, pretty(text))];
}

function journalItem(entry) {
  return el('li', { 'data-sequence': entry.sequence },
    el('details', {},
      el('summary', {},
        el('span', { class: 'muted mono' }, `#${entry.sequence}`), timeEl(entry.time),
        el('strong', {}, entry.method), el('span', { class: 'path mono' }, entry.path + (entry.query ? `?${entry.query}` : '')),
        el('span', { class: statusClass(entry.status) }, entry.status),
        el('span', { class: 'muted' }, entry.provider || ''),
        entry.fault_id ? el('span', { class: 'badge bad' }, `fault #${entry.fault_id}`) : null),
      el('div', { class: 'detail' },
        el('div', { class: 'muted' }, `account ${entry.account || '—'} · route ${entry.route || 'none'} · ${entry.duration_ms.toFixed(2)} ms wall`),
        bodyBlock('Request body', entry.request_body),
        bodyBlock('Response body', entry.response_body))));
}

const journalState = { generation: null, last: 0, count: 0 };
async function refreshJournal() {
  const path = journalState.generation === null ? `/journal?last=${JOURNAL_KEEP}` : `/journal?after=${journalState.last}`;
  const journal = await api('GET', path);
  const list = byId('journal-list');
  if (journal.generation !== journalState.generation) {
    const fresh = journalState.generation !== null;
    Object.assign(journalState, { generation: journal.generation, last: 0, count: 0 });
    list.replaceChildren();
    // A reset (here or elsewhere) cleared the journal: read its newest entries afresh.
    if (fresh) return refreshJournal();
  }
  for (const entry of journal.entries) {
    list.prepend(journalItem(entry));
    journalState.last = Math.max(journalState.last, entry.sequence);
  }
  while (list.children.length > JOURNAL_KEEP) list.lastElementChild.remove();
  journalState.count = journal.size;
  byId('journal-count').textContent = journalState.count ? `(${journalState.count}${journal.dropped ? `, ${journal.dropped} dropped` : ''})` : '';
  byId('journal-empty').hidden = list.children.length > 0;
  return undefined;
}

function headerLines(headers) {
  return Object.entries(headers ?? {}).map(([name, value]) => `${name}: ${value}`).join('\n');
}

function attemptEl(attempt) {
  const answer = attempt.connected ? `answered ${attempt.status}` : `no answer: ${attempt.error || 'not connected'}`;
  return el('li', {},
    el('div', {}, `Attempt ${attempt.number} `, timeEl(attempt.time), ' ', el('span', { class: 'mono path' }, attempt.url), ' → ',
      el('span', { class: attempt.connected ? statusClass(attempt.status) : 'status-0' }, answer),
      attempt.tampered ? el('span', { class: 'badge bad' }, 'forged signature') : null),
    bodyBlock('Signature and other headers', headerLines(attempt.request_headers)),
    bodyBlock("Receiver's answer", attempt.response_body));
}

// What the last attempt's receiver answered, for the collapsed row.
function receiverEl(attempts) {
  const last = attempts.at(-1);
  if (!last) return el('span', { class: 'muted' }, 'not sent yet');
  return el('span', { class: last.connected ? statusClass(last.status) : 'status-0' },
    last.connected ? `receiver ${last.status}` : 'no answer');
}

// A form body (or a GET's query string) as its fields, JSON indented; anything else as sent.
function decodedBody(delivery) {
  const query = delivery.method === 'GET' ? delivery.url.split('?')[1] : undefined;
  const form = /x-www-form-urlencoded/i.test(delivery.content_type) ? delivery.body : query;
  if (form) {
    return ['Body (form fields, decoded)', [...new URLSearchParams(form)].map(([name, value]) => `${name}: ${value}`).join('\n')];
  }
  return ['Body', delivery.body];
}

function deliveryItem(delivery, open) {
  const attempts = delivery.attempts ?? [];
  return el('li', { 'data-delivery': delivery.id },
    el('details', { open },
      el('summary', {},
        el('span', { class: 'muted mono' }, `#${delivery.id}`), timeEl(delivery.created),
        el('strong', {}, delivery.provider), el('span', {}, delivery.event || delivery.method),
        delivery.status ? badge(delivery.status) : null,
        el('span', { class: 'mono muted id' }, delivery.resource_id || ''),
        el('span', { class: `badge ${statusTone(delivery.state)}` }, `${delivery.state}, ${attempts.length} attempt(s)`),
        receiverEl(attempts)),
      el('div', { class: 'detail' },
        el('div', { class: 'muted path' }, `${delivery.method} ${delivery.url}`, delivery.failover_url ? ` (failover ${delivery.failover_url})` : ''),
        bodyBlock(...decodedBody(delivery)),
        el('ol', { class: 'cards' }, attempts.map(attemptEl)))));
}

const deliveryKeys = new Map();
async function refreshWebhooks() {
  const { deliveries } = await api('GET', `/webhooks?last=${WEBHOOKS_KEEP}`);
  const list = byId('webhooks-list');
  const seen = new Set();
  let previous = null;
  for (const delivery of [...deliveries].reverse()) {
    const key = JSON.stringify(delivery);
    seen.add(delivery.id);
    let node = list.querySelector(`[data-delivery="${delivery.id}"]`);
    if (!node || deliveryKeys.get(delivery.id) !== key) {
      const fresh = deliveryItem(delivery, node?.querySelector('details')?.open ?? false);
      if (node) node.replaceWith(fresh);
      node = fresh;
      deliveryKeys.set(delivery.id, key);
    }
    if (previous ? previous.nextElementSibling !== node : list.firstElementChild !== node) {
      if (previous) previous.after(node); else list.prepend(node);
    }
    previous = node;
  }
  for (const node of [...list.children]) {
    const id = Number(node.dataset.delivery);
    if (!seen.has(id)) {
      node.remove();
      deliveryKeys.delete(id);
    }
  }
  byId('webhooks-count').textContent = deliveries.length ? `(${deliveries.length})` : '';
  byId('webhooks-empty').hidden = deliveries.length > 0;
}

// ---- clock, scenario, expectations ----------------------------------------------------------

function renderClock(clock) {
  const now = byId('now');
  now.textContent = fullTime(clock.now);
  now.setAttribute('datetime', clock.now);
  byId('clock-mode').textContent = `${clock.mode} clock`;
  const next = clock.pending_timers?.[0];
  byId('next-timer').textContent = next
    ? `next timer in ${span(new Date(next.due) - new Date(clock.now))}: ${next.label} · ${clock.pending_timers.length} pending`
    : 'no timer pending';
  byId('next-timer-button').disabled = !next;
}

async function refreshExpectations() {
  const { scenario } = await api('GET', '/scenario');
  syncScenarioPicker(scenario);
  const summary = byId('expectations-summary');
  const list = byId('expectations-list');
  if (!scenario) {
    summary.textContent = 'No scenario loaded. Pick one above to see its expectations judged live.';
    list.replaceChildren();
    return;
  }
  if (!scenario.expectations) {
    summary.textContent = `${scenario.name}: no expectations.`;
    list.replaceChildren();
    return;
  }
  const verdict = await api('GET', '/expectations');
  const held = verdict.expectations.filter((e) => e.passed).length;
  summary.textContent = `${verdict.scenario} (${verdict.provider}): ${held} of ${verdict.expectations.length} hold now.`;
  list.replaceChildren(...verdict.expectations.map((result) => el('li', { class: result.passed ? 'pass' : 'fail' },
    el('span', { class: 'mark', 'aria-label': result.passed ? 'holds' : 'does not hold' }, result.passed ? '✓' : '✗'),
    result.what, result.where ? el('span', { class: 'muted' }, ` (${result.where})`) : null,
    result.passed ? null : el('div', { class: 'muted' }, `expected ${result.expected}; now ${result.actual}`))));
}

// The files of `hnemu serve --scenarios DIR`; nothing is picked until a scenario is loaded.
let SCENARIOS = { directory: '', files: [] };
async function loadScenarioList() {
  const { scenarios, directory } = await api('GET', '/scenarios');
  SCENARIOS = { directory, files: scenarios };
  const select = byId('scenario-select');
  select.replaceChildren(el('option', { value: '' }, scenarios.length ? 'Pick a scenario…' : 'none to pick'),
    ...scenarios.map((s) => el('option', { value: s.file, disabled: s.error ? true : undefined },
      `${s.file}${s.error ? ' (does not load)' : s.name && s.name !== s.file ? ` — ${s.name}` : ''}`)));
  select.disabled = scenarios.length === 0;
  select.title = directory ? `from ${directory}` : '';
  const hint = byId('scenario-hint');
  hint.hidden = scenarios.length > 0;
  hint.textContent = `No scenario files (*.yaml) in ${directory ? `“${directory}”` : 'a scenarios folder'}: `
    + 'start hnemu with --scenarios DIR to pick one here.';
  describeScenario();
}

// The picked scenario's description (or why it does not load), under the picker.
function describeScenario() {
  const picked = SCENARIOS.files.find((s) => s.file === byId('scenario-select').value);
  const text = picked ? (picked.error ?? picked.description ?? '') : '';
  byId('scenario-description').textContent = text;
  byId('scenario-description').hidden = !text;
  byId('scenario-form').querySelector('button').disabled = !picked || Boolean(picked.error);
}

// Shows the loaded scenario in the picker when it changes (a load here, elsewhere, or a start
// with --scenario); a choice made since is kept until then.
let loadedSource;
function syncScenarioPicker(scenario) {
  const source = scenario?.source ?? null;
  if (source === loadedSource) return;
  loadedSource = source;
  const file = SCENARIOS.files.find((s) => `${SCENARIOS.directory}/${s.file}` === source)?.file;
  byId('scenario-select').value = file ?? '';
  describeScenario();
}

// ---- asking before wiping -------------------------------------------------------------------

let orderCount = 0;
function confirmWipe(title, action) {
  if (orderCount === 0) return Promise.resolve(true);
  const dialog = byId('confirm-dialog');
  byId('confirm-heading').textContent = title;
  byId('confirm-text').textContent = `${action} resets hnemu: the ${orderCount} order(s) and numbers `
    + 'shown here, the journal, the webhook log and the clock go back to the start.';
  byId('confirm-yes').textContent = title;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
  });
}

// ---- the loop ---------------------------------------------------------------------------------

// The providers' state as the console last read it, kept current from the change feed
// (GET /__hnemu/state?since=CURSOR): a poll costs what changed since the last one, not the whole
// store. items[provider][collection] maps an id to its item; a reset (a new generation) starts
// the mirror again from zero.
const stateMirror = { generation: null, cursor: 0, items: {} };
const STATE_PAGE = 1000;

async function refreshState() {
  for (;;) {
    const page = await api('GET', `/state?since=${stateMirror.cursor}&limit=${STATE_PAGE}`);
    if (page.generation !== stateMirror.generation) {
      const stale = stateMirror.generation !== null && stateMirror.cursor !== 0;
      Object.assign(stateMirror, { generation: page.generation, cursor: 0, items: {} });
      if (stale) continue;  // this page answered a cursor of the old generation
    }
    for (const change of page.changes) {
      const collection = ((stateMirror.items[change.provider] ??= {})[change.collection] ??= new Map());
      if (change.item === null) collection.delete(change.id);
      else collection.set(change.id, change.item);
    }
    stateMirror.cursor = page.cursor;
    if (!page.more) break;
  }
  const state = {};
  for (const [provider, collections] of Object.entries(stateMirror.items)) {
    state[provider] = {};
    for (const [name, items] of Object.entries(collections)) state[provider][name] = [...items.values()];
  }
  return state;
}

let refreshing = null;
async function refreshOnce() {
  const live = byId('live');
  try {
    const [clock, state, calls, inbox] = await Promise.all([
      api('GET', '/clock'), refreshState(), api('GET', `/calls?last=${VERIFICATION_KEEP}`),
      api('GET', `/inbox?last=${VERIFICATION_KEEP}`)]);
    STATE = state;
    renderClock(clock);
    renderClient();
    renderOrders(state);
    renderVerification(calls.calls, inbox.messages);
    await Promise.all([refreshJournal(), refreshWebhooks(), refreshExpectations()]);
    live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
    live.classList.remove('offline');
  } catch (error) {
    live.textContent = `cannot reach hnemu (${error.message}); retrying`;
    live.classList.add('offline');
  }
}

function refresh() {
  refreshing ??= refreshOnce().finally(() => { refreshing = null; });
  return refreshing;
}

function advance(by, button) {
  return act(button, `Advanced the clock ${by}`, 'POST', '/clock', { advance: by });
}

function wireControls() {
  for (const button of document.querySelectorAll('[data-advance]')) {
    button.addEventListener('click', () => advance(button.dataset.advance, button));
  }
  const next = byId('next-timer-button');
  next.addEventListener('click', () => act(next, 'Fired the next timer', 'POST', '/clock', { next_timer: true }));
  const reset = byId('reset-button');
  reset.addEventListener('click', async () => {
    if (await confirmWipe('Reset', 'Resetting')) act(reset, 'Reset to the world\'s start', 'POST', '/reset', {});
  });
  byId('scenario-select').addEventListener('change', describeScenario);
  byId('scenario-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.submitter;
    const file = byId('scenario-select').value;
    if (await confirmWipe('Load the scenario', `Loading ${file}`)) act(button, `Loaded ${file}`, 'POST', '/scenarios/load', { file });
  });
  const confirm = byId('confirm-dialog');
  byId('confirm-yes').addEventListener('click', () => confirm.close('yes'));
  byId('confirm-no').addEventListener('click', () => confirm.close('no'));
  const client = byId('client-dialog');
  byId('client-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sendClientForm(event.submitter);
  });
  byId('client-close').addEventListener('click', () => client.close());
  const keys = { h: '1h', d: '1d', w: '7d' };
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest('input, select, textarea, dialog')) return;
    if (keys[event.key]) {
      event.preventDefault();
      advance(keys[event.key], null);
    } else if (event.key === 'n') {
      event.preventDefault();
      act(null, 'Fired the next timer', 'POST', '/clock', { next_timer: true });
    }
  });
}

async function start() {
  wireControls();
  try {
    const health = await api('GET', '/health');
    byId('version').textContent = `${health.version} · seed ${health.seed}`;
    PROVIDERS = (await api('GET', '/providers')).providers;
    await loadScenarioList();
  } catch (error) {
    notify(`Cannot read hnemu: ${error.message}`);
  }
  await refresh();
  setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
}

start();
