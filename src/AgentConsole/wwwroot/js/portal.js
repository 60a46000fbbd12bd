// The creditor portal: portfolio figures with the liquidation curve, settlement and legal-action requests to decide (live over
// the creditor hub), the account list with search and paging, and the report downloads. Rendering only: the server keeps
// each creditor to its own data (CreditorScopeFilter) and computes every figure (CreditorPortfolio, the creditor report).
import { api, connectHub, hubMessage, $, el, signOut, percentText, codeText } from './api.js';
import { startPage, t, fmt } from './i18n.js';
import { drawCurves } from './portal-chart.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

const creditors = await api('/api/creditor/portal/creditors');
const params = new URLSearchParams(location.search);
let creditor = creditors.some((c) => c.code === params.get('creditor')) ? params.get('creditor') : creditors[0]?.code;
$('#creditor').replaceChildren(...creditors.map((c) => el('option', { value: c.code, selected: c.code === creditor }, `${c.name} (${c.code})`)));
$('#creditor').addEventListener('change', () => {
  creditor = $('#creditor').value;
  history.replaceState(null, '', `?creditor=${encodeURIComponent(creditor)}`);
  page = 0;
  refresh();
});
const creditorName = () => creditors.find((c) => c.code === creditor)?.name;
const phaseText = (phase) => (phase ? codeText('casePhase', phase) : t('tl.noCase'));

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

const rate = (fraction) => (fraction === null || fraction === undefined ? '–' : fmt.percent(fraction, 1));
const kpi = (key, value, id) => el('span', { class: 'kpi' }, `${t(key)} `, el('b', { 'data-figure': id }, value));

async function loadFigures() {
  const figures = await api(`/api/creditor/portal/figures?creditor=${encodeURIComponent(creditor)}`);
  $('#as-of').textContent = t('cp.asOf', { date: fmt.date(figures.asOf), creditor: figures.creditorName });
  $('#currencies').replaceChildren(...(figures.currencies.length ? figures.currencies.map((c) => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'chart curve');
    svg.setAttribute('id', `curve-${c.currency}`);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('cp.curve'));
    const legend = el('p', { class: 'legend curve-legend' });
    const block = el('div', { class: 'currency', 'data-currency': c.currency },
      el('h3', {}, c.currency),
      el('p', { class: 'kpis' },
        kpi('cp.placedCount', fmt.number(c.placedCount), 'placed-count'),
        kpi('cp.placedAmount', fmt.money(c.placedAmount, c.currency), 'placed-amount'),
        kpi('cp.collected', fmt.money(c.collected, c.currency), 'collected'),
        kpi('cp.recoveryRate', rate(c.recoveryRate), 'recovery-rate'),
        kpi('cp.promiseKept', rate(c.promiseKeptRate), 'promise-kept'),
        kpi('cp.rightParty', rate(c.rightPartyContactRate), 'right-party')),
      el('h3', {}, t('cp.curve')), svg, legend,
      el('h3', {}, t('cp.byPhase')),
      el('table', { class: 'phases' }, el('tbody', {}, c.phases.map((p) =>
        el('tr', { 'data-phase': p.phase }, el('td', {}, p.phase === 'no case' ? t('tl.noCase') : phaseText(p.phase)), el('td', { class: 'num' }, fmt.number(p.accounts)))))));
    drawCurves(svg, legend, c.curves, (month) => month, (fraction) => fmt.percent(fraction, 0), t('cp.monthsSince'));
    return block;
  }) : [el('p', { class: 'muted' }, t('cp.nothingPlaced'))]));
}

// Accounts: one page at a time; the server counts and pages (fast with any number of accounts).
let page = 0;
const size = 25;
async function loadAccounts() {
  const q = $('#q').value.trim();
  const result = await api(`/api/creditor/portal/accounts?creditor=${encodeURIComponent(creditor)}&q=${encodeURIComponent(q)}&page=${page}&size=${size}`);
  const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
  $('#total').textContent = t('cp.total', { count: fmt.number(result.total) });
  $('#page-info').textContent = t('cp.pageOf', { page: fmt.number(result.page + 1), pages: fmt.number(pages) });
  $('#prev').disabled = result.page === 0;
  $('#next').disabled = result.page + 1 >= pages;
  $('#accounts tbody').replaceChildren(...result.accounts.map((a) => el('tr', { 'data-reference': a.reference, class: a.recalled ? 'recalled' : '' },
    el('td', {}, el('a', { href: `portal-account.html?ref=${encodeURIComponent(a.reference)}&creditor=${encodeURIComponent(a.creditor)}` }, a.reference)),
    el('td', {}, a.debtor), el('td', {}, fmt.date(a.placedOn)),
    el('td', { class: 'num' }, fmt.money(a.placed, a.currency)), el('td', { class: 'num' }, fmt.money(a.paid, a.currency)),
    el('td', { class: 'num' }, fmt.money(a.outstanding, a.currency)),
    el('td', {}, a.recalled ? t('cp.recalled') : phaseText(a.phase)))));
}
$('#search').addEventListener('submit', (e) => { e.preventDefault(); page = 0; loadAccounts(); });
$('#prev').addEventListener('click', () => { page = Math.max(0, page - 1); loadAccounts(); });
$('#next').addEventListener('click', () => { page += 1; loadAccounts(); });

// Settlement requests: the creditor decides those its policy gives it; the operator sees the answer live.
const settlements = new Map();
async function decideSettlement(r, approve) {
  const note = prompt(approve ? t('settle.approveNote') : t('settle.refuseNote')) ?? null;
  try {
    const decided = await api(`/api/creditor/portal/accounts/${encodeURIComponent(r.accountReference)}/settlements/${r.id}/decision`,
      { method: 'POST', body: JSON.stringify({ approve, note }) });
    settlements.set(decided.id, decided);
    renderSettlements();
  } catch (error) {
    say(hubMessage(error), 'error');
  }
}

function renderSettlements() {
  const rows = [...settlements.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  $('#no-settlements').hidden = rows.length > 0;
  $('#settlements tbody').replaceChildren(...rows.map((r) => el('tr', { 'data-request': r.id, class: `request ${r.status.toLowerCase()}` },
    el('td', {}, fmt.dateTime(r.createdAt)), el('td', { class: 'nowrap' }, r.accountReference), el('td', {}, r.debtorName),
    el('td', { class: 'num' }, fmt.money(r.balance, r.currency)), el('td', { class: 'num' }, fmt.money(r.amount, r.currency)),
    el('td', { class: 'num' }, percentText(r.discountPercent)), el('td', { class: 'num' }, percentText(r.consentedDiscountPercent)),
    el('td', {}, fmt.date(r.payBy)),
    el('td', {}, r.status === 'AwaitingCreditorApproval' && r.approval !== 'Supervisor'
      ? [el('button', { class: 'approve', type: 'button', onclick: () => decideSettlement(r, true) }, t('settle.approve')), ' ',
        el('button', { class: 'refuse', type: 'button', onclick: () => decideSettlement(r, false) }, t('settle.refuse'))]
      : el('span', { class: 'status', 'data-status': r.status },
        r.status === 'AwaitingCreditorApproval' ? t('cp.withSupervisor') : `${t(`settle.status.${r.status}`)}${r.decidedBy ? ` · ${r.decidedBy}` : ''}`)))));
}

async function decideLegal(r, approve) {
  const note = prompt(approve ? t('cp.legalApproveNote') : t('cp.legalRefuseNote')) ?? null;
  try {
    await api(`/api/creditor/portal/accounts/${encodeURIComponent(r.reference)}/legal-action/decision?creditor=${encodeURIComponent(r.creditor)}`,
      { method: 'POST', body: JSON.stringify({ approve, note }) });
    await loadLegal();
  } catch (error) {
    say(hubMessage(error), 'error');
  }
}

async function loadLegal() {
  const rows = await api(`/api/creditor/portal/legal-actions?creditor=${encodeURIComponent(creditor)}`);
  $('#no-legal').hidden = rows.length > 0;
  $('#legal tbody').replaceChildren(...rows.map((r) => el('tr', { 'data-case': r.caseId, class: `legal ${r.status}` },
    el('td', {}, r.inReviewSince ? fmt.dateTime(r.inReviewSince) : '–'), el('td', { class: 'nowrap' }, r.reference, r.filing ? el('div', { class: 'small filing' }, t(`legal.filing.${r.filing}`)) : '',
      r.requestNote ? el('div', { class: 'small muted' }, r.requestNote) : ''), el('td', {}, r.debtor),
    el('td', { class: 'num' }, fmt.money(r.outstanding, r.currency)),
    el('td', {}, r.status === 'awaiting'
      ? [el('button', { class: 'approve', type: 'button', onclick: () => decideLegal(r, true) }, t('cp.consent')), ' ',
        el('button', { class: 'refuse', type: 'button', onclick: () => decideLegal(r, false) }, t('settle.refuse'))]
      : el('span', { class: 'status', 'data-status': r.status }, `${t(`cp.legal.${r.status}`)} · ${r.decidedBy}`)))));
}

// Downloads: the report creditor verb's three files for the chosen period (default: the month so far).
const today = new Date().toISOString().slice(0, 10);
$('#from').value = `${today.slice(0, 8)}01`;
$('#to').value = today;
function links() {
  const query = `creditor=${encodeURIComponent(creditor)}&from=${$('#from').value}&to=${$('#to').value}`;
  $('#dl-pdf').href = `/api/creditor/portal/reports/report.pdf?${query}`;
  $('#dl-accounts').href = `/api/creditor/portal/reports/accounts.csv?${query}`;
  $('#dl-remittance').href = `/api/creditor/portal/reports/remittance.csv?${query}`;
}
$('#from').addEventListener('change', links);
$('#to').addEventListener('change', links);

async function loadSettlements() {
  settlements.clear();
  for (const r of await api(`/api/creditor/portal/settlements?creditor=${encodeURIComponent(creditor)}`)) settlements.set(r.id, r);
  renderSettlements();
}

async function refresh() {
  links();
  await Promise.all([loadFigures(), loadAccounts(), loadSettlements(), loadLegal()]);
}

if (!creditor) {
  say(t('cp.noCreditor'), 'error');
} else {
  await refresh();
  // The hub tells of every creditor of the user; the page lists the one chosen.
  await connectHub('/hubs/creditor', {
    SettlementRequest: (r) => { if (r.creditor === creditorName()) { settlements.set(r.id, r); renderSettlements(); } },
  }, (text, state) => { $('#conn').textContent = text; $('#conn').dataset.state = state; });
}
document.body.dataset.ready = 'true';
