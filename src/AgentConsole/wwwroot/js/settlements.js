// Supervisors decide settlement requests beyond the creditor's consent; the operator sees the decision live.
import { api, connectHub, hubMessage, $, el, signOut, percentText } from './api.js';
import { startPage, t, fmt } from './i18n.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);
const requests = new Map();

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

async function decide(id, approve) {
  const note = prompt(approve ? t('settle.approveNote') : t('settle.refuseNote')) ?? null;
  try {
    const decided = await api(`/api/settlements/${id}/decision`, { method: 'POST', body: JSON.stringify({ approve, note }) });
    requests.set(decided.id, decided);
    render();
  } catch (error) {
    say(hubMessage(error), 'error');
  }
}

function render() {
  const rows = [...requests.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  $('#kpi-waiting').textContent = fmt.number(rows.filter((r) => r.status === 'AwaitingCreditorApproval').length);
  $('#requests tbody').replaceChildren(...rows.map((r) => el('tr', { 'data-request': r.id, class: `request ${r.status.toLowerCase()}` },
    el('td', {}, fmt.dateTime(r.createdAt)), el('td', {}, r.requestedBy ?? ''), el('td', {}, r.accountReference),
    el('td', {}, r.debtorName), el('td', {}, r.creditor), el('td', { class: 'num' }, fmt.money(r.balance, r.currency)),
    el('td', { class: 'num' }, fmt.money(r.amount, r.currency)), el('td', { class: 'num' }, percentText(r.discountPercent)),
    el('td', { class: 'num' }, percentText(r.consentedDiscountPercent)), el('td', {}, fmt.date(r.payBy)), el('td', { class: 'small' }, r.note ?? ''),
    el('td', {}, r.status === 'AwaitingCreditorApproval' && r.approval === 'Creditor'
      ? el('span', { class: 'status', 'data-status': r.status }, t('settle.creditorDecides'))
      : r.status === 'AwaitingCreditorApproval'
      ? [el('button', { class: 'approve', onclick: () => decide(r.id, true) }, t('settle.approve')), ' ', el('button', { class: 'refuse', onclick: () => decide(r.id, false) }, t('settle.refuse'))]
      : el('span', { class: 'status', 'data-status': r.status }, `${t(`settle.status.${r.status}`)}${r.decidedBy ? ` · ${r.decidedBy}` : ''}`)))));
}

for (const r of await api('/api/settlements')) requests.set(r.id, r);
render();
await connectHub('/hubs/supervisor', {
  SettlementRequest: (r) => { requests.set(r.id, r); render(); },
  Wallboard: () => {},
  AgentChanged: () => {},
}, (text, state) => { $('#conn').textContent = text; $('#conn').dataset.state = state; });
document.body.dataset.ready = 'true';
