// The case on the operator's screen: why the call was made, phase and strategy, next steps, warning signs, interest, the
// settlement allowed and the requests for more. Rendering only: every rule is on the server. Texts the server writes in
// sentences (the strategy's reason, what raised a warning sign, the call's reason) stay as the server sends them.
import { $, el, codeText, percentText, withNodes } from './api.js';
import { t, fmt } from './i18n.js';

const money = (value, currency) => fmt.money(value, currency);

/** The banner that says why this call was made. */
export function renderReason(reason) {
  const box = $('#call-reason');
  box.hidden = !reason;
  if (!reason) return;
  box.replaceChildren(el('b', { class: 'purpose', 'data-purpose': reason.purpose }, codeText('purpose', reason.purpose)), ' ', reason.text);
}

/** A planned step: its key (the strategy's name for it), its channel or else its phase, and when it is due. */
function stepItem(s) {
  const what = s.channel ? codeText('history', s.channel) : codeText('casePhase', s.phase);
  return el('li', { 'data-step': s.key }, el('b', {}, s.key), ` ${what} · ${fmt.dateTime(s.dueAt)}`);
}

// The two notes the server writes on interest (ScreenPopBuilder.CaseOf) have texts here; another note shows as sent.
// TranslationTests checks that the server still writes these sentences.
const interestNotes = { 'not accrued yet': 'case.interestNotAccrued', 'the creditor does not claim statutory interest': 'case.interestWaived' };

function interestLine(interest, currency) {
  const statutory = money(interest.statutory, currency);
  const note = interest.note && interestNotes[interest.note] ? t(interestNotes[interest.note]) : interest.note;
  return el('p', { id: 'interest' },
    interest.accruedUntil ? t('case.interestUntil', { amount: statutory, date: fmt.date(interest.accruedUntil) }) : t('case.interest', { amount: statutory }),
    note ? el('small', { class: 'muted' }, ` (${note})`) : null,
    ' · ', ...withNodes(t('case.balance'), { balance: el('b', { 'data-amount': interest.balance }, money(interest.balance, currency)) }));
}

/** The case card: phase, strategy (its reason on hover and below), next steps, warning signs, interest, settlement. */
export function renderCase(pop, onRequestSettlement) {
  const c = pop.case, a = pop.account;
  const box = $('#case');
  if (!c) { box.replaceChildren(); return; }
  // replaceChildren (unlike el) would write a null child as the text "null".
  box.replaceChildren(...[
    el('p', {}, el('b', { id: 'case-phase', 'data-phase': c.phase ?? '' }, c.phase ? codeText('casePhase', c.phase) : t('case.noCase')),
      c.strategy ? ` · ${t('case.strategy')} ` : '', c.strategy ? el('b', { id: 'case-strategy', title: c.strategyReason ?? '' }, c.strategy) : null),
    c.strategyReason ? el('p', { class: 'muted small', id: 'case-reason' }, c.strategyReason) : null,
    el('h3', {}, t('case.nextSteps')),
    c.nextSteps.length
      ? el('ul', { class: 'steps', id: 'next-steps' }, c.nextSteps.map(stepItem))
      : el('p', { class: 'muted' }, t('case.nonePlanned')),
    el('h3', {}, t('case.warningSigns')),
    c.riskFlags.length
      ? el('ul', { class: 'flags', id: 'risk-flags' }, c.riskFlags.map((f) => el('li', {}, el('span', { class: 'tag warn', 'data-flag': f.flag }, t(`case.flag.${f.flag}`)), ` ${f.trigger}`)))
      : el('p', { class: 'muted' }, t('common.none')),
    el('h3', {}, t('case.interestHeading')),
    interestLine(c.interest, a.currency),
    c.settlement ? settlementBlock(c.settlement, a, onRequestSettlement) : null,
  ].filter(Boolean));
}

function settlementBlock(s, a, onRequestSettlement) {
  const amount = el('input', { type: 'number', step: '0.01', min: '0', id: 'settle-amount', 'aria-label': t('case.settleAmount') });
  const payBy = el('input', { type: 'date', id: 'settle-payby', 'aria-label': t('case.payBy') });
  const note = el('input', { id: 'settle-note', placeholder: t('case.why'), 'aria-label': t('case.requestReason') });
  const form = el('form', { class: 'settle-form', id: 'settle-form' },
    el('label', {}, t('action.amount'), amount), el('label', {}, t('case.payBy'), payBy), el('label', {}, t('case.reason'), note),
    el('button', { type: 'submit', id: 'btn-request-settlement' }, t('case.requestDiscount')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onRequestSettlement({ amount: Number(amount.value), payBy: payBy.value || null, note: note.value || null });
  });
  return el('div', { id: 'settlement' },
    el('h3', {}, t('disposition.Settlement')),
    el('p', {}, ...withNodes(t('case.allowance', { percent: percentText(s.maxDiscountPercent) }), {
      minimum: el('b', { id: 'settle-minimum', 'data-amount': s.minimumAmount }, money(s.minimumAmount, a.currency)),
    })),
    el('ul', { id: 'settlement-requests', class: 'requests' }, s.requests.map(requestItem)),
    form);
}

/** One settlement request line; updated in place when its decision arrives. */
export function requestItem(r) {
  return el('li', { 'data-request': r.id, class: `request ${r.status.toLowerCase()}` },
    ...withNodes(t('case.request', { percent: percentText(r.discountPercent), date: fmt.date(r.payBy) }), { amount: el('b', {}, money(r.amount, r.currency)) }),
    ' · ', el('span', { class: 'status', 'data-status': r.status }, t(`settle.status.${r.status}`)),
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
    el('thead', {}, el('tr', {}, ['#', t('col.due'), t('col.amount'), t('case.paid'), t('col.status'), t('case.reminder')].map((h) => el('th', {}, h)))),
    el('tbody', {}, plan.schedule.map((i) => el('tr', { class: `instalment ${i.status.toLowerCase()}`, 'data-status': i.status },
      el('td', {}, String(i.number)), el('td', {}, fmt.date(i.due)), el('td', { class: 'num' }, money(i.amount, currency)),
      el('td', { class: 'num' }, money(i.paid, currency)), el('td', {}, codeText('instalmentStatus', i.status)),
      el('td', {}, i.reminderAt ? `${fmt.dateTime(i.reminderAt)}${i.reminderOutcome ? ` · ${codeText('outcome', i.reminderOutcome)}` : ''}` : '')))));
}
