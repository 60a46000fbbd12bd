// Supervisors decide settlement requests beyond the creditor's consent; the operator sees the decision live.
import { api, connectHub, hubMessage, $, el, signOut } from './api.js';

const me = await api('/api/me');
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);
const requests = new Map();
const money = (value, currency) => `${Number(value).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

async function decide(id, approve) {
  const note = prompt(approve ? 'Note for the approval (optional)' : 'Why is it refused?') ?? null;
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
  $('#kpi-waiting').textContent = rows.filter((r) => r.status === 'AwaitingCreditorApproval').length;
  $('#requests tbody').replaceChildren(...rows.map((r) => el('tr', { 'data-request': r.id, class: `request ${r.status.toLowerCase()}` },
    el('td', {}, new Date(r.createdAt).toLocaleString()), el('td', {}, r.requestedBy ?? ''), el('td', {}, r.accountReference),
    el('td', {}, r.debtorName), el('td', {}, r.creditor), el('td', { class: 'num' }, money(r.balance, r.currency)),
    el('td', { class: 'num' }, money(r.amount, r.currency)), el('td', { class: 'num' }, `${r.discountPercent} %`),
    el('td', { class: 'num' }, `${r.consentedDiscountPercent} %`), el('td', {}, r.payBy), el('td', { class: 'small' }, r.note ?? ''),
    el('td', {}, r.status === 'AwaitingCreditorApproval'
      ? [el('button', { class: 'approve', onclick: () => decide(r.id, true) }, 'Approve'), ' ', el('button', { class: 'refuse', onclick: () => decide(r.id, false) }, 'Refuse')]
      : el('span', { class: 'status' }, `${r.status} · ${r.decidedBy ?? ''}`)))));
}

for (const r of await api('/api/settlements')) requests.set(r.id, r);
render();
await connectHub('/hubs/supervisor', {
  SettlementRequest: (r) => { requests.set(r.id, r); render(); },
  Wallboard: () => {},
  AgentChanged: () => {},
}, (text) => { $('#conn').textContent = text; });
document.body.dataset.ready = 'true';
