import { api, $, el, signOut, codeText } from './api.js';
import { startPage, t, fmt, locale } from './i18n.js';

// The supervisors' outbox (GET /api/outbox): every message and printed letter with its status, newest first; a letter
// opens as its PDF. Filters and the page live in the URL, so a view can be bookmarked or shared.

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

const pageSize = 50;
const params = new URLSearchParams(location.search);
const form = $('#filters');
for (const name of ['channel', 'status', 'account']) form.elements[name].value = params.get(name) ?? '';
let page = Number(params.get('page') ?? 1);

// With seconds: statuses of one batch move within the same minute.
const timeFormat = new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' });
const time = (iso) => timeFormat.format(new Date(iso));

function row(item) {
  const note = item.error ?? (item.errorCode ? t('outbox.providerError', { code: item.errorCode }) : '');
  return el('tr', { 'data-id': item.id, 'data-channel': item.channel, 'data-status': item.status },
    el('td', { class: 'nowrap' }, time(item.createdAt)),
    el('td', {}, codeText('history', item.channel)),
    el('td', {}, el('span', { class: `msg-status ${item.status}` }, t(`outbox.state.${item.status}`))),
    el('td', { 'data-purpose': item.purpose ?? '' }, codeText('purpose', item.purpose)),
    el('td', { class: 'nowrap' }, el('a', { href: `?account=${encodeURIComponent(item.accountRef)}` }, item.accountRef)),
    el('td', { class: item.channel === 'letter' ? 'address' : 'nowrap' }, item.to),
    el('td', {}, item.document ? el('a', { href: item.document, target: '_blank', rel: 'noopener', class: 'pdf' }, `${item.template} (PDF)`) : item.template),
    el('td', { class: 'mono' }, item.providerId ?? ''),
    el('td', { class: 'note', title: note }, note));
}

async function load() {
  const query = new URLSearchParams();
  for (const name of ['channel', 'status', 'account']) if (form.elements[name].value) query.set(name, form.elements[name].value);
  query.set('page', page);
  query.set('pageSize', pageSize);
  history.replaceState(null, '', `?${query}`);
  try {
    const result = await api(`/api/outbox?${query}`);
    $('#outbox tbody').replaceChildren(...result.items.map(row));
    const pages = Math.max(1, Math.ceil(result.total / pageSize));
    $('#total').textContent = t('outbox.total', { count: fmt.number(result.total) });
    $('#page').textContent = t('outbox.page', { page: fmt.number(result.page), pages: fmt.number(pages) });
    $('#btn-prev').disabled = result.page <= 1;
    $('#btn-next').disabled = result.page >= pages;
    $('#message').hidden = true;
  } catch (error) {
    $('#message').textContent = String(error.message ?? error);
    $('#message').hidden = false;
  }
}

form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
$('#btn-prev').addEventListener('click', () => { page = Math.max(1, page - 1); load(); });
$('#btn-next').addEventListener('click', () => { page += 1; load(); });
await load();
// Statuses move on as the provider reports them (queued, sent, delivered): refresh while the page is open.
setInterval(() => { if (!document.hidden) load(); }, 5000);
