import { api, connectHub, hubMessage, $, el, clock, stateNames, stateClass, signOut } from './api.js';
import { renderCase, renderReason, showRequest, scheduleTable } from './case-panel.js';

// The page keeps no business rules: every step goes to the server (AgentHub), which answers with what to show.
const view = { status: null, pop: null, script: null, callEnded: false, outcomeSaved: false, wrapUpSeconds: 30, wrapUpStart: null, serverSkew: 0 };
let hub;

const me = await api('/api/me');
$('#me').textContent = me.displayName;

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

async function call(method, ...args) {
  try {
    return await hub.invoke(method, ...args);
  } catch (error) {
    say(hubMessage(error), 'error');
    throw error;
  }
}

function showStatus(status) {
  view.status = status;
  const badge = $('#state');
  badge.textContent = stateNames[status.state] + (status.pauseReason ? ` (${status.pauseReason})` : '');
  badge.className = `state ${stateClass[status.state]}`;
  $('#btn-hangup').disabled = status.state !== 2;
  if (status.state === 3) view.wrapUpStart ??= Date.parse(status.since);
  else view.wrapUpStart = null;
  $('#wrapup').hidden = status.state !== 3;
}

function money(value, currency) {
  return `${Number(value).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

function table(headers, rows) {
  if (!rows.length) return el('p', { class: 'muted' }, 'none');
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c ?? ''))))));
}

function showPop(pop) {
  view.pop = pop;
  const d = pop.debtor, a = pop.account;
  $('#debtor').classList.remove('muted');
  $('#debtor').replaceChildren(
    el('p', { class: 'big', id: 'debtor-name' }, d.name, d.vulnerable ? el('span', { class: 'tag warn' }, 'vulnerable') : null),
    el('p', {}, `${d.kind} · language ${d.language} · ${d.timeZone ?? ''}`),
    el('p', {}, d.address ?? ''),
    el('p', {}, d.phones.join(', ')));
  $('#account').replaceChildren(
    el('p', { class: 'big' }, el('span', { id: 'balance' }, a.balanceText), ' ', el('small', { class: 'muted' }, `due ${a.dueDate}`)),
    el('p', {}, el('b', { id: 'account-ref' }, a.reference), ` · ${a.creditor} · ${a.industry}${a.origin ? ' · ' + a.origin : ''}${a.casePhase ? ' · phase ' + a.casePhase : ''}`),
    el('p', { class: 'muted' }, `principal ${money(a.principal, a.currency)} · interest ${money(a.interest, a.currency)} · fees ${money(a.fees, a.currency)} · paid ${money(a.paid, a.currency)}`),
    el('h3', {}, 'Invoices'), table(['Number', 'Issued', 'Due', 'Amount'], a.invoices.map((i) => [i.number, i.issuedOn, i.dueOn, money(i.amount, a.currency)])),
    el('h3', {}, 'Payments'), table(['Received', 'Amount', 'Method', 'Reference'], a.payments.map((p) => [p.receivedOn, money(p.amount, a.currency), p.method, p.reference])),
    el('h3', {}, 'Promises'), table(['Due', 'Amount', 'Status', 'Received'], a.promises.map((p) => [p.dueDate, money(p.amount, a.currency), p.status, money(p.amountReceived, a.currency)])),
    el('h3', {}, 'Plans'), table(['Total', 'Instalments', 'Status', 'Next'], a.plans.map((p) => [money(p.total, a.currency), `${p.instalments} ${p.frequency}`, p.status, p.nextDue ? `${p.nextDue} ${money(p.nextAmount, a.currency)}` : ''])),
    ...a.plans.filter((p) => p.status === 'Active').map((p) => scheduleTable(p, a.currency)),
    el('h3', {}, 'History'), table(['When', 'What', '', ''], a.history.map((h) => [new Date(h.at).toLocaleString(), h.kind, h.what, h.note])));
  renderReason(pop.reason);
  renderCase(pop, requestSettlement);
  $('#btn-save').disabled = false;
  $('#outcome-message').textContent = '';
  $('#note').value = '';
}

async function requestSettlement(request) {
  if (!view.pop) return;
  const result = await call('RequestSettlement', { callId: view.pop.callId, ...request });
  showRequest(result);
  say(result.status === 'AwaitingCreditorApproval' ? 'Request sent to the supervisors; their decision appears here.' : 'Settlement agreed within the creditor\'s consent; the debtor gets a written confirmation.');
  if (result.status === 'Agreed') $('#disposition').value = 'Settlement';
}

const actionFields = {
  'record-promise': ['amount', 'date'],
  'offer-instalment-plan': ['amount', 'instalments', 'date'],
  'offer-settlement': ['amount', 'date'],
  'schedule-callback': ['when', 'reason'],
  'flag-dispute': ['reason'],
  'flag-vulnerable': ['reason'],
  'hand-over-to-supervisor': ['reason'],
};
const declinable = new Set(['record-promise', 'offer-instalment-plan', 'offer-settlement', 'schedule-callback']);
const dispositionFor = { 'record-promise': 'PromiseToPay', 'offer-instalment-plan': 'InstalmentPlan', 'offer-settlement': 'Settlement', 'schedule-callback': 'Callback', 'flag-dispute': 'Dispute', 'flag-vulnerable': 'Vulnerable' };

function showScript(script) {
  view.script = script;
  if (!script) {
    $('#script-text').textContent = view.pop ? 'No script serves this call; follow the account on the left.' : '';
    $('#answers').replaceChildren();
    $('#action-form').hidden = true;
    $('#btn-continue').hidden = true;
    return;
  }
  $('#script-id').textContent = `${script.scriptId} · ${script.language}${script.rightPartyVerified ? ' · verified' : ''}`;
  $('#script-text').textContent = script.text;
  $('#script-text').dataset.node = script.nodeId;
  $('#answers').replaceChildren(...script.answers.map((a, i) =>
    el('button', { 'data-answer': a.id, onclick: () => choose(a.id) }, el('kbd', {}, String(i + 1)), ' ', a.label)));
  const pending = script.pendingAction && script.pendingAction !== 'verify-right-party' ? script.pendingAction : null;
  const form = $('#action-form');
  form.hidden = !pending;
  if (pending) {
    $('#action-title').textContent = pending.replaceAll('-', ' ');
    for (const label of form.querySelectorAll('label[data-for]')) label.hidden = !actionFields[pending].includes(label.dataset.for);
    $('#action-decline').hidden = !declinable.has(pending);
    const first = form.querySelector('label:not([hidden]) input');
    if (first) first.focus();
  }
  $('#btn-continue').hidden = !script.canContinue;
  $('#recorded').replaceChildren(...script.recorded.map((r) => el('li', {}, r)));
  if (script.refusal) say(script.refusal, 'error'); else say('');
  const last = [...script.recorded].reverse().find((r) => /^(promise|plan|settlement|callback|dispute|vulnerable)/.test(r));
  if (last) {
    const kind = { promise: 'PromiseToPay', plan: 'InstalmentPlan', settlement: 'Settlement', callback: 'Callback', dispute: 'Dispute', vulnerable: 'Vulnerable' }[last.split(/[ :]/)[0]];
    if (kind) $('#disposition').value = kind;
  }
}

async function choose(answerId) { showScript(await call('Choose', view.pop.callId, answerId)); }
async function next() { if (view.script?.canContinue) showScript(await call('Continue', view.pop.callId)); }

async function act(decline) {
  const pending = view.script?.pendingAction;
  if (!pending) return;
  const value = (id) => $(id).value || null;
  const action = decline
    ? { action: 'decline', reason: value('#action-reason') ?? 'not agreed' }
    : {
      action: pending,
      amount: value('#action-amount') === null ? null : Number(value('#action-amount')),
      date: value('#action-date'),
      instalments: value('#action-instalments') === null ? null : Number(value('#action-instalments')),
      when: value('#action-when'),
      reason: value('#action-reason'),
    };
  const script = await call('Act', view.pop.callId, action);
  showScript(script);
  if (!script.refusal) for (const input of $('#action-form').querySelectorAll('input')) input.value = '';
  if (!decline && !script.refusal && dispositionFor[pending]) $('#disposition').value = dispositionFor[pending];
}

async function setState(state) {
  const reason = state === 4 ? $('#pause-reason').value : null;
  const status = await call('SetState', state, reason);
  showStatus(status);
  if (state === 1 || state === 0 || state === 4) clearCall();
}

function clearCall() {
  view.pop = null; view.script = null; view.callEnded = false;
  $('#debtor').replaceChildren(el('p', { class: 'muted' }, 'Waiting for a call.'));
  $('#account').replaceChildren();
  $('#case').replaceChildren();
  renderReason(null);
  $('#script-id').textContent = '';
  showScript(null);
  $('#recorded').replaceChildren();
  $('#btn-save').disabled = true;
}

async function save(event) {
  event?.preventDefault();
  if (!view.pop) return;
  const paid = $('#disposition').value === 'PaymentTaken';
  const saved = await call('SaveOutcome', {
    callId: view.pop.callId, accountId: view.pop.account.id, disposition: $('#disposition').value, note: $('#note').value || null,
    paymentAmount: paid && $('#payment-amount').value ? Number($('#payment-amount').value) : null,
    paymentReceipt: paid ? $('#payment-receipt').value || null : null,
  });
  $('#btn-save').disabled = true;
  $('#outcome-message').textContent = `Saved ${$('#disposition').selectedOptions[0].text.toLowerCase()}` + (saved.promiseId ? ' with the promise' : '') + (saved.planId ? ' with the plan' : '') + (saved.callbackAt ? ` · callback ${new Date(saved.callbackAt).toLocaleString()}` : '') + '. Ready again with R.';
  $('#outcome-message').dataset.saved = saved.dispositionId;
  say('');
  loadCallbacks();
}

async function loadCallbacks() {
  const list = await call('Callbacks');
  $('#callbacks').replaceChildren(...(list.length ? list.map((c) => el('li', {}, el('b', {}, new Date(c.callbackAt).toLocaleString()), ` ${c.debtorName} · ${c.accountReference}`, c.note ? el('small', { class: 'muted' }, ` ${c.note}`) : null))
    : [el('li', { class: 'muted' }, 'none')]));
}

function tick() {
  const s = view.status;
  if (s) $('#state-time').textContent = clock((Date.now() - Date.parse(s.since)) / 1000);
  if (view.wrapUpStart) {
    const left = view.wrapUpSeconds - (Date.now() - view.wrapUpStart) / 1000;
    $('#wrapup-left').textContent = left >= 0 ? clock(left) : `+${clock(-left)}`;
    $('#wrapup').classList.toggle('late', left < 0);
  }
}

hub = await connectHub('/hubs/agent', {
  StateChanged: showStatus,
  ScreenPop: (pop) => { say(''); showPop(pop); showScript(pop.script); },
  CallEnded: (ended) => { view.callEnded = true; say(ended.byDebtor ? 'The debtor hung up. Save the outcome.' : 'Call ended. Save the outcome.'); },
  SettlementDecided: (request) => {
    showRequest(request);
    say(`Settlement of ${request.amount} ${request.currency}: ${request.status === 'Approved' ? 'approved' : 'refused'} by ${request.decidedBy}.`, request.status === 'Approved' ? 'info' : 'error');
    if (request.status === 'Approved' && view.pop?.account.id === request.accountId) $('#disposition').value = 'Settlement';
  },
}, (text) => { $('#conn').textContent = text; });

const current = await call('Current');
view.wrapUpSeconds = current.wrapUpSeconds;
showStatus(current.status);
if (current.pop) { showPop(current.pop); showScript(current.script); $('#btn-save').disabled = current.outcomeSaved; }
loadCallbacks();
setInterval(tick, 250);

$('#btn-ready').addEventListener('click', () => setState(1));
$('#btn-pause').addEventListener('click', () => setState(4));
$('#btn-logout').addEventListener('click', () => setState(0));
$('#btn-hangup').addEventListener('click', () => view.pop && call('HangUp', view.pop.callId));
$('#btn-signout').addEventListener('click', signOut);
$('#btn-continue').addEventListener('click', next);
$('#action-form').addEventListener('submit', (e) => { e.preventDefault(); act(false); });
$('#action-decline').addEventListener('click', () => act(true));
$('#outcome-form').addEventListener('submit', save);
const showPaymentFields = () => { $('#payment-fields').hidden = $('#disposition').value !== 'PaymentTaken'; };
$('#disposition').addEventListener('change', showPaymentFields);
showPaymentFields();

document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
  if (e.key === 'Escape') { e.target.blur?.(); return; }
  if (e.altKey && e.key.toLowerCase() === 's') { e.preventDefault(); if (!$('#btn-save').disabled) save(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.toLowerCase();
  if (key === 'r') setState(1);
  else if (key === 'p') setState(4);
  else if (key === 'l') setState(0);
  else if (key === 'h' && view.pop && view.status?.state === 2) call('HangUp', view.pop.callId);
  else if (key === 'n' || key === 'enter') next();
  else if (/^[1-9]$/.test(key) && view.script?.answers[Number(key) - 1]) choose(view.script.answers[Number(key) - 1].id);
  else return;
  e.preventDefault();
});

// Everything is wired: tests (and people) may use the page now.
document.body.dataset.ready = 'true';
