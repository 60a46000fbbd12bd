// Administrators book payment files; the server matches, allocates and reports every line it could not book.
import { api, $, el, signOut } from './api.js';
import { startPage, t, fmt } from './i18n.js';

const me = await api('/api/me');
await startPage(me);
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
  if (!file) { say(t('pay.chooseFile'), 'error'); return; }
  const body = new FormData();
  body.append('file', file);
  const response = await fetch('/api/payments/import', { method: 'POST', body, credentials: 'same-origin' });
  const result = await response.json();
  if (!response.ok) { say(result.detail ?? `HTTP ${response.status}`, 'error'); return; }
  say('');
  $('#result').hidden = false;
  // The totals add up several currencies, so they are plain numbers, not money.
  const n = (x) => fmt.number(x);
  $('#summary').textContent = t('pay.summary', {
    file: result.file, format: result.format, rows: n(result.rows), matched: n(result.matched), matchedAmount: fmt.number(result.matchedAmount, 2),
    unmatched: n(result.unmatched), unmatchedAmount: fmt.number(result.unmatchedAmount, 2), rejected: n(result.rejected), duplicates: n(result.duplicates),
  });
  // The kind stays the row's class (rejected, unmatched, duplicate); the cell reads it in the user's language.
  $('#issues tbody').replaceChildren(...result.issues.map((i) => el('tr', { class: i.kind },
    el('td', {}, String(i.line)), el('td', {}, t(`pay.kind.${i.kind}`)), el('td', {}, i.field ?? ''), el('td', {}, i.message), el('td', {}, i.reference ?? ''))));
});
document.body.dataset.ready = 'true';
