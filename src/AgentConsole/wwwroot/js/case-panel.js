// The case on the operator's screen: why the call was made, phase and strategy, next steps, warning signs, interest, the
// settlement allowed and the requests for more. Rendering only: every rule is on the server.
import { $, el } from './api.js';

const money = (value, currency) => `${Number(value).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** The banner that says why this call was made. */
export function renderReason(reason) {
  const box = $('#call-reason');
  box.hidden = !reason;
  if (!reason) return;
  box.replaceChildren(el('b', { class: 'purpose', 'data-purpose': reason.purpose }, reason.purpose.replaceAll('-', ' ')), ' ', reason.text);
}

/** The case card: phase, strategy (its reason on hover and below), next steps, warning signs, interest, settlement. */
export function renderCase(pop, onRequestSettlement) {
  const c = pop.case, a = pop.account;
  const box = $('#case');
  if (!c) { box.replaceChildren(); return; }
  box.replaceChildren(
    el('p', {}, el('b', { id: 'case-phase' }, c.phase ?? 'no case'), c.strategy ? ` · strategy ` : '', c.strategy ? el('b', { id: 'case-strategy', title: c.strategyReason ?? '' }, c.strategy) : null),
    c.strategyReason ? el('p', { class: 'muted small', id: 'case-reason' }, c.strategyReason) : null,
    el('h3', {}, 'Next steps'),
    c.nextSteps.length
      ? el('ul', { class: 'steps', id: 'next-steps' }, c.nextSteps.map((s) => el('li', {}, el('b', {}, s.key), ` ${s.channel ?? s.phase} · ${when(s.dueAt)}`)))
      : el('p', { class: 'muted' }, 'none planned'),
    el('h3', {}, 'Warning signs'),
    c.riskFlags.length
      ? el('ul', { class: 'flags', id: 'risk-flags' }, c.riskFlags.map((f) => el('li', {}, el('span', { class: 'tag warn' }, f.flag), ` ${f.trigger}`)))
      : el('p', { class: 'muted' }, 'none'),
    el('h3', {}, 'Interest'),
    el('p', { id: 'interest' }, `statutory interest ${money(c.interest.statutory, a.currency)}`,
      c.interest.accruedUntil ? ` to ${c.interest.accruedUntil}` : '', c.interest.note ? el('small', { class: 'muted' }, ` (${c.interest.note})`) : null,
      ' · balance ', el('b', {}, c.interest.balanceText)),
    c.settlement ? settlementBlock(c.settlement, a, onRequestSettlement) : null);
}

function settlementBlock(s, a, onRequestSettlement) {
  const amount = el('input', { type: 'number', step: '0.01', min: '0', id: 'settle-amount', 'aria-label': 'Settlement amount' });
  const payBy = el('input', { type: 'date', id: 'settle-payby', 'aria-label': 'Pay by' });
  const note = el('input', { id: 'settle-note', placeholder: 'why', 'aria-label': 'Reason for the request' });
  const form = el('form', { class: 'settle-form', id: 'settle-form' },
    el('label', {}, 'Amount', amount), el('label', {}, 'Pay by', payBy), el('label', {}, 'Reason', note),
    el('button', { type: 'submit', id: 'btn-request-settlement' }, 'Request larger discount'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onRequestSettlement({ amount: Number(amount.value), payBy: payBy.value || null, note: note.value || null });
  });
  return el('div', { id: 'settlement' },
    el('h3', {}, 'Settlement'),
    el('p', {}, `creditor allows up to ${s.maxDiscountPercent} % discount: at least `, el('b', { id: 'settle-minimum' }, s.minimumText)),
    el('ul', { id: 'settlement-requests', class: 'requests' }, s.requests.map(requestItem)),
    form);
}

/** One settlement request line; updated in place when its decision arrives. */
export function requestItem(r) {
  return el('li', { 'data-request': r.id, class: `request ${r.status.toLowerCase()}` },
    el('b', {}, money(r.amount, r.currency)), ` (${r.discountPercent} % off) by ${r.payBy} · `, el('span', { class: 'status' }, r.status),
    r.decidedBy ? ` · ${r.decidedBy}` : '');
}

/** Shows a request's new state (a live decision from a supervisor). */
export function showRequest(r) {
  const list = $('#settlement-requests');
  if (!list) return;
  const existing = list.querySelector(`[data-request="${r.id}"]`);
  if (existing) existing.replaceWith(requestItem(r)); else list.prepend(requestItem(r));
}

/** The instalment schedule of a plan: due, amount, paid, status, the reminder call before it. */
export function scheduleTable(plan, currency) {
  if (!plan.schedule?.length) return null;
  return el('table', { class: 'schedule' },
    el('thead', {}, el('tr', {}, ['#', 'Due', 'Amount', 'Paid', 'Status', 'Reminder'].map((h) => el('th', {}, h)))),
    el('tbody', {}, plan.schedule.map((i) => el('tr', { class: `instalment ${i.status.toLowerCase()}` },
      el('td', {}, String(i.number)), el('td', {}, i.due), el('td', { class: 'num' }, money(i.amount, currency)),
      el('td', { class: 'num' }, money(i.paid, currency)), el('td', {}, i.status),
      el('td', {}, i.reminderAt ? `${when(i.reminderAt)}${i.reminderOutcome ? ` · ${i.reminderOutcome}` : ''}` : '')))));
}
