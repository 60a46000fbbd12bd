import { api, $, el, signOut } from './api.js';
import { startPage, t, fmt } from './i18n.js';
import { VisitOutbox, newKey } from './visit-outbox.js';
import { SignaturePad } from './signature-pad.js';

// The field agent's phone page (issue 16, seed 004): today's visits in route order (GET /api/visits/today, grouped by
// town and postcode), each with the debtor, the claim, the history and what to ask for; the outcome form; and the outbox
// that keeps outcomes entered without a connection and sends them when it returns (visit-outbox.js).

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

const dayKey = `collections.visits.day.${me.login}`;
const outbox = new VisitOutbox(`collections.visits.outbox.${me.login}`, () => showOutbox());
const form = $('#outcome-form');
const pad = new SignaturePad($('#signature'));
let day = null;
// The server's clock minus the phone's: outcomes are stamped with the server's time, so a phone whose clock is wrong (or a
// visit entered offline) is judged against visiting hours at the moment it really happened.
let clockOffset = 0;
let current = null;

function message(text, error = false) {
  const node = $('#message');
  node.textContent = text;
  node.classList.toggle('error', error);
  node.hidden = !text;
}

function showNet() {
  const net = $('#net');
  net.dataset.online = String(navigator.onLine);
  net.textContent = navigator.onLine ? t('visits.online') : t('visits.offline');
}

function showOutbox() {
  const items = outbox.items();
  const pending = items.filter((i) => i.state === 'pending').length;
  const count = $('#outbox-count');
  count.dataset.count = String(pending);
  count.textContent = pending ? t('visits.waiting', { count: pending }) : '';
  $('#outbox').hidden = items.length === 0;
  $('#outbox-items').replaceChildren(...items.map((i) => el('li', { 'data-key': i.key, 'data-state': i.state },
    el('strong', {}, i.label), ' ',
    i.state === 'refused'
      ? [el('span', { class: 'error' }, t('visits.refusedBy', { reason: i.error })), ' ',
        el('button', { type: 'button', class: 'link', onclick: () => outbox.remove(i.key) }, t('visits.discard'))]
      : el('span', { class: 'muted' }, t('visits.keptAt', { time: fmt.dateTime(i.keptAt) })))));
  // A visit whose outcome is kept shows as done, even before the server has it.
  for (const card of document.querySelectorAll('.visit')) {
    const kept = items.find((i) => i.body.visitId === card.dataset.visitId);
    card.dataset.done = String(Boolean(kept) || card.dataset.sent === 'true');
  }
}

async function load() {
  try {
    day = await api('/api/visits/today');
    localStorage.setItem(dayKey, JSON.stringify(day));
  } catch (error) {
    if (String(error.message) === 'signed out') return;
    // Offline on arrival: the route as last loaded on this phone.
    day = JSON.parse(localStorage.getItem(dayKey) ?? 'null');
    if (!day) { message(t('visits.noRoute'), true); return; }
  }
  clockOffset = Date.parse(day.now) - Date.now();
  render();
}

function askText(code) {
  return t(`visits.ask.${code}`);
}

function render() {
  const groups = day.groups ?? [];
  const total = groups.reduce((n, g) => n + g.visits.length, 0);
  $('#route').replaceChildren(
    el('p', { class: 'muted route-help' }, total ? t('visits.routeHelp', { count: total }) : t('visits.none')),
    ...groups.map((group, g) => el('section', { class: 'visit-group', 'data-postcode': group.postalCode, 'data-city': group.city },
      el('h2', {}, `${g + 1}. ${group.postalCode} ${group.city} (${group.country})`),
      ...group.visits.map((v) => card(v)))));
  showOutbox();
}

function card(v) {
  const hours = v.hours;
  return el('article', { class: 'visit card', 'data-visit-id': v.id, 'data-reference': v.reference, 'data-allowed': String(hours.allowed), 'data-done': 'false' },
    el('h3', {}, v.debtor),
    el('p', { class: 'address' }, v.street),
    el('p', {}, el('strong', {}, fmt.money(v.outstanding, v.currency)), ' ', el('span', { class: 'muted' }, `${v.creditor} · ${v.reference}`)),
    el('p', { class: 'asks' }, t('visits.askFor'), ' ', ...v.askFor.map((a) => el('span', { class: 'chip', 'data-ask': a }, askText(a)))),
    v.limitationLastDay ? el('p', { class: 'muted' }, t('visits.limitation', { date: fmt.date(v.limitationLastDay) })) : null,
    el('p', { class: hours.allowed ? 'hours ok' : 'hours closed', title: hours.source },
      hours.allowed ? t('visits.hoursOpen') : t('visits.hoursClosed', { next: hours.nextAllowedAt ? fmt.dateTime(hours.nextAllowedAt) : '-' }),
      hours.specificRule ? '' : ` ${t('visits.hoursFromCalls')}`),
    el('details', { class: 'history' }, el('summary', {}, t('visits.history', { count: v.history.length })),
      el('ul', {}, ...v.history.map((h) => el('li', {}, el('span', { class: 'muted' }, fmt.dateTime(h.at)), ' ', h.text)))),
    el('p', { class: 'done-note' }, t('visits.done')),
    el('button', { type: 'button', class: 'primary btn-record', disabled: !hours.allowed, onclick: () => open(v) }, t('visits.record')));
}

function ackText(v) {
  const today = new Date(Date.now() + clockOffset).toISOString().slice(0, 10);
  return t('visits.ackText', { debtor: v.debtor, creditor: v.creditor, reference: v.reference, amount: fmt.money(v.outstanding, v.currency), date: fmt.date(today) });
}

function open(v) {
  current = v;
  form.reset();
  pad.clear();
  $('#form-error').hidden = true;
  $('#outcome-title').textContent = v.debtor;
  $('#outcome-address').textContent = `${v.street}, ${v.postalCode} ${v.city}`;
  form.elements.signedBy.value = v.debtor;
  $('#ack-text').textContent = ackText(v);
  sync();
  $('#route').hidden = true;
  $('#outcome').hidden = false;
  window.scrollTo(0, 0);
}

function close() {
  current = null;
  $('#outcome').hidden = true;
  $('#route').hidden = false;
}

// Shows the fields that belong to the answers given so far.
function sync() {
  const result = form.elements.result.value;
  $('#moved-fields').hidden = result !== 'moved';
  $('#met-fields').hidden = result !== 'met';
  const arrangement = form.elements.arrangement.value;
  form.querySelector('.when-promise').hidden = arrangement !== 'promise';
  form.querySelector('.when-plan').hidden = arrangement !== 'plan';
  form.querySelector('.when-ack').hidden = !form.elements.acknowledge.checked;
}
form.addEventListener('change', sync);
$('#btn-clear-signature').addEventListener('click', () => pad.clear());
$('#btn-cancel').addEventListener('click', close);

const number = (name) => Number(form.elements[name].value);

/** The outcome as the API takes it, or an error text naming what is missing. */
function build() {
  const f = form.elements;
  const result = f.result.value;
  if (!result) return { error: t('visits.err.result') };
  const body = {
    idempotencyKey: newKey(),
    visitId: current.id,
    accountId: current.accountId,
    result,
    visitedAt: new Date(Date.now() + clockOffset).toISOString(),
    note: f.note.value.trim() || null,
  };
  if (result === 'moved' && f.street.value.trim()) {
    body.newAddress = { street: f.street.value.trim(), postalCode: f.postalCode.value.trim(), city: f.city.value.trim(), country: f.country.value.trim().toUpperCase() };
  }
  if (result === 'met') {
    if (f.arrangement.value === 'promise') {
      if (!(number('promiseAmount') > 0) || !f.promiseDate.value) return { error: t('visits.err.promise') };
      body.promise = { amount: number('promiseAmount'), dueDate: f.promiseDate.value };
    }
    if (f.arrangement.value === 'plan') {
      if (!(number('planCount') >= 2) || !(number('planAmount') > 0) || !f.planFirst.value) return { error: t('visits.err.plan') };
      body.plan = { count: number('planCount'), amount: number('planAmount'), firstDueDate: f.planFirst.value };
    }
    if (f.paymentAmount.value) {
      if (!(number('paymentAmount') > 0) || !f.receipt.value.trim()) return { error: t('visits.err.payment') };
      body.payment = { amount: number('paymentAmount'), method: f.paymentMethod.value, receipt: f.receipt.value.trim() };
    }
    if (f.acknowledge.checked) {
      if (!pad.signed) return { error: t('visits.err.signature') };
      if (!f.signedBy.value.trim()) return { error: t('visits.err.signedBy') };
      body.acknowledgement = { text: $('#ack-text').textContent, amount: current.outstanding, signedBy: f.signedBy.value.trim(), signaturePng: pad.toPng() };
    }
  }
  return { body };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const { body, error } = build();
  if (error) {
    $('#form-error').textContent = error;
    $('#form-error').hidden = false;
    return;
  }
  // Kept on the phone first, then sent: a lost connection between the two loses nothing.
  outbox.add(body, `${current.debtor} (${current.reference}): ${t(`visits.result.${body.result}`)}`);
  close();
  await flush();
});

async function flush() {
  const pending = await outbox.flush();
  message(pending ? t('visits.keptOffline', { count: pending }) : '');
}

window.addEventListener('online', () => { showNet(); flush(); });
window.addEventListener('offline', showNet);
// A connection can come back without an 'online' event (a captive portal, a flaky cell): try again every 20 s as well.
setInterval(() => { if (navigator.onLine) flush(); }, 20000);

showNet();
await load();
await flush();
document.body.dataset.ready = 'true';
