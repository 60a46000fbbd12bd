import { api, $, el, signOut } from './api.js';
import { startPage, t, fmt, locale } from './i18n.js';

// The administrators' audit trail (GET /api/audit): who read or changed which debtor's data, when and from where, newest
// first; the chain verified on demand (GET /api/audit/verify) and the filtered entries as CSV. Filters and the page live in
// the URL, so a view can be bookmarked or shared. Opening this page is itself recorded in the trail.

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

const pageSize = 50;
const filters = ['actor', 'subject', 'action', 'from', 'to'];
const params = new URLSearchParams(location.search);
const form = $('#filters');
for (const name of filters) form.elements[name].value = params.get(name) ?? '';
let page = Number(params.get('page') ?? 1);

const timeFormat = new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' });

function row(entry) {
  return el('tr', { 'data-id': entry.id, 'data-action': entry.action },
    el('td', { class: 'mono' }, String(entry.id)),
    el('td', { class: 'nowrap', title: entry.at }, timeFormat.format(new Date(entry.at))),
    el('td', {}, entry.actor),
    el('td', {}, t(`audit.${entry.action}`)),
    el('td', { class: 'mono' }, entry.subject),
    el('td', {}, entry.detail),
    el('td', { class: 'mono' }, entry.from ?? ''));
}

function query() {
  const q = new URLSearchParams();
  for (const name of filters) if (form.elements[name].value) q.set(name, form.elements[name].value.trim());
  return q;
}

async function load() {
  const q = query();
  $('#export').href = `/api/audit/export.csv?${q}`;
  q.set('page', page);
  q.set('pageSize', pageSize);
  history.replaceState(null, '', `?${q}`);
  try {
    const result = await api(`/api/audit?${q}`);
    $('#audit tbody').replaceChildren(...result.items.map(row));
    const pages = Math.max(1, Math.ceil(result.total / pageSize));
    $('#total').textContent = t('audit.total', { count: fmt.number(result.total) });
    $('#page').textContent = t('outbox.page', { page: fmt.number(result.page), pages: fmt.number(pages) });
    $('#btn-prev').disabled = result.page <= 1;
    $('#btn-next').disabled = result.page >= pages;
    $('#message').hidden = true;
  } catch (error) {
    const message = String(error.message ?? error);
    $('#message').textContent = message.endsWith('HTTP 403') ? t('audit.forbidden') : message;
    $('#message').hidden = false;
  }
}

async function verify() {
  const out = $('#verification');
  out.className = 'muted';
  out.textContent = t('audit.verifying');
  try {
    const v = await api('/api/audit/verify');
    out.dataset.intact = String(v.intact);
    if (v.intact) {
      out.className = 'ok';
      out.textContent = v.anchoredEntry
        ? t('audit.intactAnchored', { count: fmt.number(v.entries), entry: fmt.number(v.anchoredEntry) })
        : t(v.anchor ? 'audit.intact' : 'audit.intactNoAnchor', { count: fmt.number(v.entries) });
    } else {
      out.className = 'error';
      out.textContent = t('audit.broken', { entry: fmt.number(v.brokenEntry), reason: v.reason });
    }
  } catch (error) {
    out.className = 'error';
    out.textContent = String(error.message ?? error);
  }
}

form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
$('#btn-prev').addEventListener('click', () => { page = Math.max(1, page - 1); load(); });
$('#btn-next').addEventListener('click', () => { page += 1; load(); });
$('#btn-verify').addEventListener('click', verify);
await load();
document.body.dataset.ready = 'true';
