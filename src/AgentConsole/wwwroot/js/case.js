// Supervisors read any case's life by its reference (GET /api/cases/timeline?ref=); the reference lives in the URL so a case
// can be bookmarked or opened from the outbox.
import { api, $, signOut } from './api.js';
import { startPage, t } from './i18n.js';
import { renderTimeline } from './timeline.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

let current = null;

function say(text) {
  const m = $('#message');
  m.textContent = text;
  m.hidden = !text;
}

async function show(ref) {
  if (!ref) return;
  const response = await fetch(`/api/cases/timeline?ref=${encodeURIComponent(ref)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 404) {
    say(t('tl.notFound', { ref }));
    $('#timeline').replaceChildren();
    return;
  }
  if (!response.ok) {
    say(t('tl.unavailable'));
    return;
  }
  say('');
  const timeline = await response.json();
  current = timeline;
  renderTimeline($('#timeline'), timeline);
  $('#btn-legal-review').hidden = !timeline.phase || ['legal-review', 'filed', 'closed'].includes(timeline.phase);
}

// A supervisor puts an open case into legal review (POST /api/legal/cases/{accountId}/review, docs/legal.md): the strategy's
// planned steps stop and the case waits on the legal team's queue.
$('#btn-legal-review').addEventListener('click', async () => {
  if (!current) return;
  const note = prompt(t('tl.legalReviewNote')) ?? null;
  const response = await fetch(`/api/legal/cases/${current.accountId}/review`, {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ note }),
  });
  say(response.ok ? t('cp.legalReviewRequested') : (await response.json().catch(() => null))?.detail ?? `HTTP ${response.status}`);
  if (response.ok) await show(current.accountRef);
});

const ref = new URLSearchParams(location.search).get('ref');
$('#case-ref').value = ref ?? '';
$('#find').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('#case-ref').value.trim();
  history.replaceState(null, '', `?ref=${encodeURIComponent(value)}`);
  show(value);
});
await show(ref);
