// One account in the creditor portal: its state (the creditor API's own view), its case timeline, and recall, which is the
// creditor API's recall route itself (POST /api/creditor/v1/accounts/{reference}/recall): one code path for both.
import { api, $, el, signOut, codeText } from './api.js';
import { startPage, t, fmt } from './i18n.js';
import { renderTimeline } from './timeline.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

const params = new URLSearchParams(location.search);
const ref = params.get('ref') ?? '';
const creditor = params.get('creditor');
const query = creditor ? `?creditor=${encodeURIComponent(creditor)}` : '';
const base = `/api/creditor/v1/accounts/${encodeURIComponent(ref)}`;
$('.nav-links a').href = creditor ? `portal.html?creditor=${encodeURIComponent(creditor)}` : 'portal.html';

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

// The balance and phase are the timeline's head below; this line names the account and where a promise or plan stands.
function summary(a) {
  $('#summary').replaceChildren(
    el('b', { id: 'account-ref' }, a.reference), ` · ${a.creditor} · `,
    el('b', {}, a.phase ? codeText('casePhase', a.phase) : t('tl.noCase')),
    a.openPromise ? ` · ${t('cp.openPromise', { amount: fmt.money(a.openPromise.amount, a.openPromise.currency), date: fmt.date(a.openPromise.due) })}` : '');
  $('#recalled').hidden = !a.recalled;
  $('#btn-recall').disabled = a.recalled;
}

async function load() {
  const response = await fetch(`${base}${query}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 404) {
    say(t('tl.notFound', { ref }), 'error');
    $('#btn-recall').disabled = true;
    return;
  }
  if (!response.ok) {
    say(t('tl.unavailable'), 'error');
    return;
  }
  summary(await response.json());
  renderTimeline($('#timeline'), await api(`/api/creditor/portal/accounts/${encodeURIComponent(ref)}/timeline${query}`));
}

// The creditor asks for legal review: the case moves to the legal team's queue (POST .../legal-review, docs/legal.md).
$('#btn-legal-review').addEventListener('click', async () => {
  const note = prompt(t('cp.legalReviewNote')) ?? null;
  try {
    await api(`/api/creditor/portal/accounts/${encodeURIComponent(ref)}/legal-review${query}`, { method: 'POST', body: JSON.stringify({ note }) });
    say(t('cp.legalReviewRequested'));
    await load();
  } catch (error) {
    say(String(error.message ?? error), 'error');
  }
});

$('#btn-recall').addEventListener('click', async () => {
  if (!confirm(t('cp.recallConfirm', { ref }))) return;
  const reason = prompt(t('cp.recallReason')) ?? null;
  try {
    await api(`${base}/recall${query}`, { method: 'POST', body: JSON.stringify({ reason }) });
    say(t('cp.recallDone', { ref }));
    await load();
  } catch (error) {
    say(String(error.message ?? error), 'error');
  }
});

await load();
document.body.dataset.ready = 'true';
