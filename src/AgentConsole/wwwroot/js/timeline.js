// A case's life on one card: what is due next (queued contacts and planned steps) and what happened, newest first (steps,
// calls, messages, letters, promises, plans, payments), with the instalment schedule and the balance. Rendering only: the
// server builds the timeline (GET /api/cases/{accountId}/timeline, CaseTimelineQuery) and decides who may read it.
import { api, el, codeText as code } from './api.js';
import { t, fmt } from './i18n.js';

/** Fetches and renders the timeline of accountId into box; returns the timeline (null when refused or absent). */
export async function loadTimeline(box, accountId) {
  try {
    const timeline = await api(`/api/cases/${accountId}/timeline`);
    renderTimeline(box, timeline);
    return timeline;
  } catch (error) {
    box.replaceChildren(el('p', { class: 'muted' }, t('tl.unavailable')));
    return null;
  }
}

/** Renders a timeline DTO into box. */
export function renderTimeline(box, tl) {
  const money = (value) => fmt.money(value, tl.balance.currency);
  box.replaceChildren(
    el('p', { class: 'tl-head' },
      el('b', { class: 'tl-ref' }, tl.accountRef), ` · ${tl.creditor} · `,
      el('b', { class: 'tl-phase' }, tl.phase ? code('casePhase', tl.phase) : t('tl.noCase')),
      tl.strategy ? el('span', { title: tl.strategyReason ?? '' }, ` · ${t('tl.strategy')} ${tl.strategy}`) : null),
    el('p', { class: 'tl-balance' },
      t('tl.balance', {
        outstanding: money(tl.balance.outstanding), principal: money(tl.balance.principal), interest: money(tl.balance.interest),
        fees: money(tl.balance.fees), paid: money(tl.balance.paid),
      }),
      tl.balance.interestNote ? el('small', { class: 'muted' }, ` (${tl.balance.interestNote})`) : null),
    limitation(tl.limitation),
    el('h3', {}, t('tl.ahead')),
    tl.ahead.length
      ? el('ol', { class: 'timeline ahead', id: 'timeline-ahead' }, tl.ahead.map(item))
      : el('p', { class: 'muted' }, t('tl.nothingAhead')),
    ...tl.plans.map((plan) => planBlock(plan, money)),
    el('h3', {}, t('tl.history')),
    tl.history.length
      ? el('ol', { class: 'timeline history', id: 'timeline-history' }, tl.history.map(item))
      : el('p', { class: 'muted' }, t('tl.nothingYet')));
}

/** The claim's limitation: the last day to go to court and where it stands (the rule's source and restart as a tooltip). */
function limitation(l) {
  if (!l) return null;
  if (!l.lastDay) return el('p', { class: 'tl-limitation muted', id: 'tl-limitation' }, t('tl.limitationNone', { jurisdiction: l.jurisdiction }));
  return el('p', { class: `tl-limitation lim-${l.state}`, id: 'tl-limitation', 'data-last-day': l.lastDay, title: [l.source, l.restartedBy].filter(Boolean).join(' · ') },
    t('tl.limitation', { date: fmt.date(l.lastDay), state: t(`tl.limitationState.${l.state}`), jurisdiction: l.jurisdiction }));
}

/** One line: when, what, how it ended. */
function item(e) {
  return el('li', { class: `tl-item tl-${e.kind}`, 'data-kind': e.kind },
    el('time', { datetime: e.at }, fmt.dateTime(e.at)), ' ',
    el('span', { class: 'tag' }, t(`tl.kind.${e.kind}`)), ' ',
    describe(e));
}

function describe(e) {
  switch (e.kind) {
    case 'step':
      return el('span', {}, el('b', {}, e.what.replaceAll('-', ' ')), e.channel ? ` (${code('history', e.channel)})` : '',
        ` · ${code('stepStatus', e.status)}`, e.outcome ? ` · ${code('outcome', e.outcome)}` : '', e.note ? el('small', { class: 'muted' }, ` ${e.note}`) : null);
    case 'queued':
      return el('span', {}, el('b', {}, code('history', e.channel)), ` · ${code('purpose', e.purpose)}`,
        e.attempts ? ` · ${t('tl.attempts', { count: e.attempts })}` : '', e.outcome ? el('small', { class: 'muted' }, ` ${e.outcome}`) : null);
    case 'contact':
      return el('span', {}, el('b', {}, code('history', e.channel)), e.purpose ? ` · ${code('purpose', e.purpose)}` : '',
        ` · ${code('outcome', e.outcome)}`, e.agent ? el('small', { class: 'muted' }, ` ${e.agent}`) : null);
    case 'promise':
      return el('span', {}, t('tl.promise', { amount: fmt.money(e.amount, e.currency), due: fmt.date(e.due) }), ` · ${code('promiseStatus', e.status)}`);
    case 'plan':
      return el('span', {}, t('tl.plan', { count: e.count, total: fmt.money(e.amount, e.currency) }), ` · ${code('planStatus', e.status)}`);
    case 'payment':
      return el('span', {}, t('tl.payment', { amount: fmt.money(e.amount, e.currency), received: fmt.date(e.due) }), e.method ? ` · ${code('paymentMethod', e.method)}` : '');
    default:
      return el('span', {}, e.what ?? '');
  }
}

/** A plan's instalments: due, amount, paid and when, status, and the reminder call before it with its outcome. */
function planBlock(plan, money) {
  return el('div', { class: 'tl-plan' },
    el('h3', {}, t('tl.planTitle', { status: code('planStatus', plan.status), frequency: code('frequency', plan.frequency) })),
    el('table', { class: 'schedule' },
      el('thead', {}, el('tr', {}, ['#', t('col.due'), t('col.amount'), t('tl.paid'), t('tl.status'), t('tl.reminder')].map((h) => el('th', {}, h)))),
      el('tbody', {}, plan.instalments.map((i) => el('tr', { class: `instalment ${i.status}`, 'data-instalment': String(i.number) },
        el('td', {}, String(i.number)), el('td', {}, fmt.date(i.due)), el('td', { class: 'num' }, money(i.amount)),
        el('td', { class: 'num' }, i.paidAmount ? `${money(i.paidAmount)}${i.paidAt ? ` · ${fmt.date(i.paidAt)}` : ''}` : ''),
        el('td', {}, code('instalmentStatus', i.status)),
        el('td', { class: 'reminder' }, i.reminderAt ? `${fmt.dateTime(i.reminderAt)}${i.reminderOutcome ? ` · ${code('outcome', i.reminderOutcome)}` : ''}` : ''))))));
}
