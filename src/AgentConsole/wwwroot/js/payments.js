// Administrators book payment files; the server matches, allocates and reports every line it could not book.
import { api, $, el, signOut } from './api.js';

const me = await api('/api/me');
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

function say(text, kind = 'info') {
  const m = $('#message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = !text;
}

$('#upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('#file').files[0];
  if (!file) { say('Choose a file first.', 'error'); return; }
  const body = new FormData();
  body.append('file', file);
  const response = await fetch('/api/payments/import', { method: 'POST', body, credentials: 'same-origin' });
  const result = await response.json();
  if (!response.ok) { say(result.detail ?? `HTTP ${response.status}`, 'error'); return; }
  say('');
  $('#result').hidden = false;
  $('#summary').textContent = `${result.file} (${result.format}): ${result.rows} lines, ${result.matched} booked (${result.matchedAmount}), `
    + `${result.unmatched} unmatched (${result.unmatchedAmount}), ${result.rejected} rejected, ${result.duplicates} already booked.`;
  $('#issues tbody').replaceChildren(...result.issues.map((i) => el('tr', { class: i.kind },
    el('td', {}, String(i.line)), el('td', {}, i.kind), el('td', {}, i.field ?? ''), el('td', {}, i.message), el('td', {}, i.reference ?? ''))));
});
document.body.dataset.ready = 'true';
