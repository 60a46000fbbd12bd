// The supervisor's action on a case page: send a field agent to the debtor on a day, to ask for a payment, a plan, an
// acknowledgement of debt or to check the address (POST /api/visits/schedule). The visit appears on the field agents'
// route (visits.html) for that day; asking twice for the same day gives the same visit.
import { api, $ } from './api.js';
import { t, fmt } from './i18n.js';

const me = await api('/api/me');
const box = $('#send-visit');
const form = $('#send-visit-form');
let accountId = null;

async function find() {
  accountId = null;
  box.hidden = true;
  const ref = new URLSearchParams(location.search).get('ref');
  if (!ref || !me.roles.some((r) => r === 'Supervisor' || r === 'Administrator')) return;
  const response = await fetch(`/api/cases/timeline?ref=${encodeURIComponent(ref)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  accountId = (await response.json()).accountId;
  form.elements.day.value ||= new Date().toISOString().slice(0, 10);
  $('#send-visit-result').textContent = '';
  box.hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/api/visits/schedule', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ accountId, day: form.elements.day.value, askFor: form.elements.askFor.value }),
  });
  const result = $('#send-visit-result');
  if (response.ok) {
    result.textContent = t('visits.send.done', { day: fmt.date(form.elements.day.value) });
    result.dataset.state = 'sent';
  } else {
    let reason = `HTTP ${response.status}`;
    try { reason = (await response.json()).detail ?? reason; } catch { /* not JSON */ }
    result.textContent = t('visits.send.refused', { reason });
    result.dataset.state = 'refused';
  }
});

// The case page changes the reference in the URL when another case is looked up.
$('#find').addEventListener('submit', () => setTimeout(find, 0));
await find();
