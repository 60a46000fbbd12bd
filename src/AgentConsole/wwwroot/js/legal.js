// The legal team's page: the legal queue, a case's checklist computed from the record, and the decisions (file, back to
// amicable collection, close as uncollectable, return to the creditor). Filing waits for the creditor's consent in the portal
// where its policy asks for it.
import { api, $, el, signOut } from './api.js';
import { startPage, t, fmt } from './i18n.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);
let current = null;

// POST that surfaces the server's reason (a problem's detail: "the creditor's consent to filing is awaited").
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  if (response.status === 401) location.href = '/';
  if (!response.ok) throw new Error((await response.json().catch(() => null))?.detail ?? `${path}: HTTP ${response.status}`);
  return response.status === 204 ? null : response.json();
}

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

async function loadQueue() {
  const rows = await api('/api/legal/queue');
  $('#kpi-review').textContent = fmt.number(rows.filter((r) => r.reason === 'legal-review').length);
  $('#kpi-nearing').textContent = fmt.number(rows.filter((r) => r.reason !== 'legal-review').length);
  $('#no-cases').hidden = rows.length > 0;
  $('#queue tbody').replaceChildren(...rows.map((r) => el('tr', { 'data-account': r.accountId, 'data-reference': r.reference, class: `case ${r.reason}` },
    el('td', { class: 'nowrap' }, r.reference), el('td', {}, r.debtor), el('td', {}, r.creditor),
    el('td', { class: 'num' }, fmt.money(r.outstanding, r.currency)), el('td', { class: 'reason' }, t(`legal.reason.${r.reason}`)),
    el('td', {}, r.limitationLastDay ? fmt.date(r.limitationLastDay) : '–'),
    el('td', {}, el('button', { class: 'review', type: 'button', onclick: () => openSheet(r.accountId) }, t('legal.review'))))));
}

async function openSheet(accountId) {
  const s = await api(`/api/legal/cases/${accountId}`);
  current = s;
  $('#sheet').hidden = false;
  $('#sheet').dataset.account = s.accountId;
  $('#sheet-ref').textContent = `${s.reference} (${s.creditor})`;
  $('#sheet-phase').textContent = s.phase ? t(`legal.phase.${s.phase}`) : '';
  $('#sheet-phase').dataset.phase = s.phase ?? '';
  $('#checklist tbody').replaceChildren(...s.checklist.map((i) => el('tr', { 'data-key': i.key, 'data-verdict': i.verdict, class: `check ${i.verdict}` },
    el('td', {}, t(`legal.item.${i.key}`)), el('td', { class: 'verdict' }, t(`legal.verdict.${i.verdict}`)), el('td', { class: 'small' }, i.why))));
  const consent = $('#consent');
  consent.dataset.status = s.consent ?? (s.consentRequired ? 'required' : 'none');
  consent.textContent = s.consent === 'awaiting' ? t('legal.consent.awaiting')
    : s.consent ? `${t(`legal.consent.${s.consent}`)} · ${s.consentAnsweredBy ?? ''}${s.consentNote ? `: ${s.consentNote}` : ''}`
    : s.consentRequired ? t('legal.consent.required') : t('legal.consent.none');
  $('#decide').hidden = s.phase !== 'legal-review';
}

$('#decision').addEventListener('change', () => { $('#filing').disabled = $('#decision').value !== 'file'; });
$('#decide').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!current) return;
  const decision = $('#decision').value;
  const body = { decision, filing: decision === 'file' ? $('#filing').value : null, note: $('#note').value.trim() || null };
  try {
    const result = await post(`/api/legal/cases/${current.accountId}/decision`, body);
    say(t(`legal.outcome.${result.outcome}`), 'ok');
    $('#note').value = '';
    await Promise.all([loadQueue(), openSheet(current.accountId)]);
  } catch (error) {
    say(error.message, 'error');
  }
});

await loadQueue();
const wanted = new URLSearchParams(location.search).get('account');
if (wanted) await openSheet(wanted);
document.body.dataset.ready = 'true';
