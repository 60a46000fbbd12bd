// Supervisors read any case's life by its reference (GET /api/cases/timeline?ref=); the reference lives in the URL so a case
// can be bookmarked or opened from the outbox.
import { api, $, signOut } from './api.js';
import { startPage, t } from './i18n.js';
import { renderTimeline } from './timeline.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

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
  renderTimeline($('#timeline'), await response.json());
}

const ref = new URLSearchParams(location.search).get('ref');
$('#case-ref').value = ref ?? '';
$('#find').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('#case-ref').value.trim();
  history.replaceState(null, '', `?ref=${encodeURIComponent(value)}`);
  show(value);
});
await show(ref);
