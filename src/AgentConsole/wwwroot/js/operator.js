import { api, connectHub, hubMessage, $, el, clock, stateClass, stateText, signOut, pauseText } from './api.js';
import { startPage, t, fmt } from './i18n.js';
import { renderCase, renderReason, showRequest, scheduleTable } from './case-panel.js';
import { loadTimeline } from './timeline.js';

// The page keeps no business rules: every step goes to the server (AgentHub), which answers with what to show.
const view = { status: null, pop: null, unknown: null, script: null, callEnded: false, outcomeSaved: false, wrapUpSeconds: 30, wrapUpStart: null, serverSkew: 0 };
let hub;

const me = await api('/api/me');
await startPage(me);
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
  badge.textContent = stateText(status.state) + (status.pauseReason ? ` (${pauseText(status.pauseReason)})` : '');
  badge.dataset.state = stateClass[status.state];
  badge.className = `state ${stateClass[status.state]}`;
  $('#btn-hangup').disabled = status.state !== 2;
  // An unknown caller's call has no outcome to save: ready again clears it.
  if (status.state === 1 && view.unknown) { view.unknown = null; clearCall(); }
  if (status.state === 3) view.wrapUpStart ??= Date.parse(status.since);
  else view.wrapUpStart = null;
  $('#wrapup').hidden = status.state !== 3;
}

const money = (value, currency) => fmt.money(value, currency);
const maybe = (prefix, key) => (key ? t(prefix + key) : '');

function table(headers, rows) {
  if (!rows.length) return el('p', { class: 'muted' }, t('common.none'));
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c ?? ''))))));
}

// The debtor, the account, why the call is made and the case: for a connected call's pop and for a preview before the dial.
function renderAccount(pop) {
  const d = pop.debtor, a = pop.account;
  $('#debtor').classList.remove('muted');
  $('#debtor').replaceChildren(
    el('p', { class: 'big', id: 'debtor-name' }, d.name, d.vulnerable ? el('span', { class: 'tag warn' }, t('op.vulnerable')) : null),
    el('p', {}, `${maybe('debtorKind.', d.kind)} · ${t('op.language', { language: d.language })} · ${d.timeZone ?? ''}`),
    el('p', {}, d.address ?? ''),
    el('p', {}, d.phones.join(', ')));
  $('#account').replaceChildren(
    el('p', { class: 'big' }, el('span', { id: 'balance', 'data-amount': a.balance }, money(a.balance, a.currency)), ' ', el('small', { class: 'muted' }, t('op.due', { date: fmt.date(a.dueDate) }))),
    el('p', {}, el('b', { id: 'account-ref' }, a.reference), ` · ${a.creditor} · ${maybe('industry.', a.industry)}${a.origin ? ' · ' + a.origin : ''}${a.casePhase ? ' · ' + t('op.phase', { phase: maybe('casePhase.', a.casePhase) }) : ''}`),
    el('p', { class: 'muted' }, t('op.split', { principal: money(a.principal, a.currency), interest: money(a.interest, a.currency), fees: money(a.fees, a.currency), paid: money(a.paid, a.currency) })),
    el('h3', {}, t('op.invoices')), table([t('col.number'), t('col.issued'), t('col.due'), t('col.amount')], a.invoices.map((i) => [i.number, fmt.date(i.issuedOn), fmt.date(i.dueOn), money(i.amount, a.currency)])),
    el('h3', {}, t('op.payments')), table([t('col.received'), t('col.amount'), t('col.method'), t('col.reference')], a.payments.map((p) => [fmt.date(p.receivedOn), money(p.amount, a.currency), maybe('paymentMethod.', p.method), p.reference])),
    el('h3', {}, t('op.promises')), table([t('col.due'), t('col.amount'), t('col.status'), t('col.received')], a.promises.map((p) => [fmt.date(p.dueDate), money(p.amount, a.currency), maybe('promiseStatus.', p.status), money(p.amountReceived, a.currency)])),
    el('h3', {}, t('op.plans')), table([t('col.total'), t('col.instalments'), t('col.status'), t('col.next')], a.plans.map((p) => [money(p.total, a.currency), `${p.instalments} × ${maybe('frequency.', p.frequency)}`, maybe('planStatus.', p.status), p.nextDue ? `${fmt.date(p.nextDue)} ${money(p.nextAmount, a.currency)}` : ''])),
    ...a.plans.filter((p) => p.status === 'Active').map((p) => scheduleTable(p, a.currency)),
    el('h3', {}, t('op.history')), table([t('col.when'), t('col.what'), '', ''], a.history.map((h) => [fmt.dateTime(h.at), maybe('history.', h.kind), h.kind === 'Disposition' ? maybe('disposition.', h.what) : maybe('outcome.', h.what), h.note])));
  renderReason(pop.reason);
  renderCase(pop, requestSettlement);
}

// What answered the call, as the operator heard it: measures the campaign's answering-machine detection (AmdMarks). Asked
// outright when AMD said machine and the call was passed on anyway.
function showMark(pop) {
  $('#mark').hidden = !pop;
  $('#mark-ask').hidden = !pop?.amdMachine;
  $('#btn-mark-person').disabled = $('#btn-mark-machine').disabled = !pop;
}

async function mark(what) {
  const pop = view.pop;
  if (!pop) return;
  const marked = await call('MarkAnswer', pop.callId, what);
  $('#btn-mark-person').disabled = $('#btn-mark-machine').disabled = true;
  $('#mark-ask').hidden = true;
  say(t('op.marked', { what: t(marked.mark === 'Machine' ? 'op.markMachine' : 'op.markPerson') }));
}

function showPop(pop) {
  view.pop = pop;
  showMark(pop);
  hidePreview();
  renderAccount(pop);
  loadTimeline($('#timeline'), pop.account.id);
  $('#btn-save').disabled = false;
  $('#outcome-message').textContent = '';
  $('#note').value = '';
}

async function requestSettlement(request) {
  if (!view.pop) return;
  const result = await call('RequestSettlement', { callId: view.pop.callId, ...request });
  showRequest(result);
  say(result.status === 'AwaitingCreditorApproval' ? t('op.settlementRequested') : t('op.settlementAgreed'));
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
    $('#script-text').textContent = view.pop ? t('op.noScript') : '';
    $('#answers').replaceChildren();
    $('#action-form').hidden = true;
    $('#btn-continue').hidden = true;
    return;
  }
  $('#script-id').textContent = `${script.scriptId} · ${script.language}${script.rightPartyVerified ? ' · ' + t('op.verified') : ''}`;
  $('#script-text').textContent = script.text;
  $('#script-text').dataset.node = script.nodeId;
  $('#answers').replaceChildren(...script.answers.map((a, i) =>
    el('button', { 'data-answer': a.id, onclick: () => choose(a.id) }, el('kbd', {}, String(i + 1)), ' ', a.label)));
  const pending = script.pendingAction && script.pendingAction !== 'verify-right-party' ? script.pendingAction : null;
  const form = $('#action-form');
  form.hidden = !pending;
  if (pending) {
    $('#action-title').textContent = t(`actionTitle.${pending}`);
    $('#action-title').dataset.action = pending;
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
  // A preview may already have arrived before the answer to Ready: it stays.
  if ((state === 1 || state === 0 || state === 4) && !view.preview) clearCall();
}

function clearCall() {
  view.pop = null; view.script = null; view.callEnded = false;
  showMark(null);
  if (!view.preview) $('#preview').hidden = true;
  $('#debtor').replaceChildren(el('p', { class: 'muted' }, t('op.waiting')));
  $('#account').replaceChildren();
  $('#case').replaceChildren();
  $('#timeline').replaceChildren();
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
  $('#outcome-message').textContent = t('op.saved', { what: $('#disposition').selectedOptions[0].text })
    + (saved.promiseId ? t('op.savedWithPromise') : '') + (saved.planId ? t('op.savedWithPlan') : '')
    + (saved.callbackAt ? t('op.savedCallback', { when: fmt.dateTime(saved.callbackAt) }) : '') + t('op.readyAgain');
  $('#outcome-message').dataset.saved = saved.dispositionId;
  say('');
  loadCallbacks();
  loadTimeline($('#timeline'), view.pop.account.id);
}

// Preview dialing: the account is shown before the dial; the operator dials (D) or skips with a reason (S) before the countdown ends.
function showPreview(preview) {
  view.preview = preview;
  view.previewEnds = Date.now() + preview.seconds * 1000;
  clearCall();
  renderAccount(preview);
  $('#preview-campaign').textContent = preview.campaign;
  $('#preview-number').textContent = preview.number;
  $('#preview').hidden = false;
  $('#preview').dataset.offer = preview.offerId;
  $('#dial-result').hidden = true;
  say(t('preview.shown'));
}

function hidePreview() {
  view.preview = null;
  view.previewEnds = null;
  $('#preview').hidden = true;
  delete $('#preview').dataset.offer;
}

async function dialPreview() {
  if (!view.preview) return;
  await call('DialPreview', view.preview.offerId);
  $('#preview').hidden = true;
  say(t('dial.dialing'));
}

async function skipPreview() {
  if (!view.preview) return;
  await call('SkipPreview', view.preview.offerId, $('#skip-reason').value);
}

// What became of the operator's own dial: dialing, refused (every rule as explain gives it), busy, no answer, skipped ...
function showDialStatus(status) {
  const box = $('#dial-result');
  box.dataset.status = status.status;
  if (status.status === 'dialing') { say(t('dial.dialing')); $('#preview').hidden = true; return; }
  if (status.status === 'refused' && status.refusal) {
    const refused = status.refusal.rules.filter((r) => r.verdict === 'refused');
    box.replaceChildren(
      el('p', { class: 'big' }, t('dial.refused', { number: status.refusal.address ?? '' })),
      el('ul', { id: 'refusal-rules' }, refused.map((r) => el('li', { 'data-rule': r.rule }, el('b', {}, r.rule), ` ${r.reason} `, el('small', { class: 'muted' }, r.source)))),
      el('p', { id: 'refusal-next' }, status.refusal.nextAllowedAt ? t('dial.nextAllowed', { when: fmt.dateTime(status.refusal.nextAllowedAt) }) : t('dial.notUntilChanged')));
    box.className = 'dial-result error';
    box.hidden = false;
  } else {
    say(t(`dial.${status.status}`, { reason: status.reason ?? '' }), status.status === 'skipped' ? 'info' : 'error');
  }
  if (view.preview && (!status.offerId || status.offerId === view.preview.offerId)) { hidePreview(); clearCall(); }
  else if (!view.pop && status.status !== 'refused') clearCall();
}

/** An inbound call from a number no one debtor has (issue 17): the caller's number, and the search opened with it. */
function showUnknownCaller(caller) {
  clearCall();
  view.unknown = caller;
  $('#debtor').replaceChildren(
    el('p', { id: 'unknown-caller', class: 'big', 'data-from': caller.from }, t('op.unknownCaller', { number: caller.from })),
    el('p', { class: 'muted' }, t('op.unknownCallerHint')));
  $('#search-q').value = caller.from;
  search();
}

/** The call on the operator's screen (a debtor's pop or an unknown caller), for the hang-up. */
const currentCall = () => view.pop ?? view.unknown;

async function search(event) {
  event?.preventDefault();
  const hits = await call('Search', $('#search-q').value);
  $('#search-results').replaceChildren(...(hits.length ? hits.map((h) => el('li', { 'data-account': h.accountId },
    el('b', { class: 'hit-name' }, h.debtorName), ` · `, el('span', { class: 'hit-ref' }, h.reference), ` · ${h.creditor}${h.postalCode ? ' · ' + h.postalCode : ''} · ${money(h.balance, h.currency)} `,
    el('select', { class: 'hit-number', 'aria-label': t('search.number') }, h.phones.map((p) => el('option', { value: p }, p))),
    el('button', { type: 'button', class: 'hit-dial', disabled: h.phones.length ? null : 'disabled', onclick: (e) => manualDial(h.accountId, e.target.closest('li').querySelector('.hit-number').value) }, t('search.dial'))))
    : [el('li', { class: 'muted' }, t('search.none'))]));
}

async function manualDial(accountId, number) {
  $('#dial-result').hidden = true;
  const status = await call('ManualDial', accountId, number || null);
  showDialStatus(status);
}

async function loadCallbacks() {
  const list = await call('Callbacks');
  $('#callbacks').replaceChildren(...(list.length ? list.map((c) => el('li', {}, el('b', {}, fmt.dateTime(c.callbackAt)), ` ${c.debtorName} · ${c.accountReference}`, c.note ? el('small', { class: 'muted' }, ` ${c.note}`) : null))
    : [el('li', { class: 'muted' }, t('common.none'))]));
}

function tick() {
  const s = view.status;
  if (s) $('#state-time').textContent = clock((Date.now() - Date.parse(s.since)) / 1000);
  if (view.wrapUpStart) {
    const left = view.wrapUpSeconds - (Date.now() - view.wrapUpStart) / 1000;
    $('#wrapup-left').textContent = left >= 0 ? clock(left) : `+${clock(-left)}`;
    $('#wrapup').classList.toggle('late', left < 0);
  }
  if (view.previewEnds) $('#preview-left').textContent = clock(Math.max(0, (view.previewEnds - Date.now()) / 1000));
}

// A supervisor listening, whispering or barged in: a badge while it lasts (sent only where the policy tells operators).
function showMonitored(m) {
  const badge = $('#monitored');
  badge.hidden = !m || m.mode == null;
  const mode = badge.hidden ? '' : ['Listen', 'Whisper', 'Barge'][m.mode];
  badge.dataset.mode = mode;
  badge.textContent = badge.hidden ? '' : t(`op.monitored.${mode}`, { name: m.supervisor });
}

hub = await connectHub('/hubs/agent', {
  StateChanged: showStatus,
  Monitored: showMonitored,
  ScreenPop: (pop) => { say(''); view.unknown = null; showPop(pop); showScript(pop.script); },
  UnknownCaller: (caller) => { say(''); showUnknownCaller(caller); },
  Preview: showPreview,
  DialStatus: showDialStatus,
  CallEnded: (ended) => { view.callEnded = true; say(ended.byDebtor ? t('op.debtorHungUp') : t('op.callEnded')); },
  SettlementDecided: (request) => {
    showRequest(request);
    say(t(request.status === 'Approved' ? 'op.settlementApproved' : 'op.settlementRefused', { amount: fmt.money(request.amount, request.currency), by: request.decidedBy }), request.status === 'Approved' ? 'info' : 'error');
    if (request.status === 'Approved' && view.pop?.account.id === request.accountId) $('#disposition').value = 'Settlement';
  },
}, (text, state) => { $('#conn').textContent = text; $('#conn').dataset.state = state; }, resync);

/** The operator's state, call and script as the server has them: at start, and after every reconnection (a call that ended
 * while the page was away, or a node that restarted, must not leave "On call" on the screen; nor a preview that lapsed). */
async function resync() {
  const current = await call('Current');
  view.wrapUpSeconds = current.wrapUpSeconds;
  showStatus(current.status);
  if (current.pop) { showPop(current.pop); showScript(current.script); $('#btn-save').disabled = current.outcomeSaved; }
  else if (view.pop && !current.pop) { view.callEnded = true; say(t('op.callEnded')); }
  if (!current.pop && current.caller) showUnknownCaller(current.caller);
  else if (view.unknown && !current.caller) { view.unknown = null; clearCall(); }
  if (!current.pop && current.preview) showPreview(current.preview);
  else if (view.preview && !current.preview) { hidePreview(); clearCall(); }
  loadCallbacks();
  showMonitored(await call('Monitoring'));
}

await resync();
setInterval(tick, 250);

$('#btn-ready').addEventListener('click', () => setState(1));
$('#btn-pause').addEventListener('click', () => setState(4));
$('#btn-logout').addEventListener('click', () => setState(0));
$('#btn-hangup').addEventListener('click', () => currentCall() && call('HangUp', currentCall().callId));
$('#btn-signout').addEventListener('click', signOut);
$('#btn-mark-person').addEventListener('click', () => mark('Person'));
$('#btn-mark-machine').addEventListener('click', () => mark('Machine'));
$('#btn-continue').addEventListener('click', next);
$('#action-form').addEventListener('submit', (e) => { e.preventDefault(); act(false); });
$('#action-decline').addEventListener('click', () => act(true));
$('#outcome-form').addEventListener('submit', save);
$('#btn-dial').addEventListener('click', dialPreview);
$('#btn-skip').addEventListener('click', skipPreview);
$('#search-form').addEventListener('submit', search);
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
  else if (key === 'h' && currentCall() && view.status?.state === 2) call('HangUp', currentCall().callId);
  else if (key === 'd' && view.preview) dialPreview();
  else if (key === 's' && view.preview) skipPreview();
  else if (key === 'f') $('#search-q').focus();
  else if (key === 'n' || key === 'enter') next();
  else if (/^[1-9]$/.test(key) && view.script?.answers[Number(key) - 1]) choose(view.script.answers[Number(key) - 1].id);
  else return;
  e.preventDefault();
});

// Everything is wired: tests (and people) may use the page now.
document.body.dataset.ready = 'true';
