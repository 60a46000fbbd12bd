// Champion/challenger analytics (docs/analytics.md): per strategy and currency, each arm's figures with intervals, the
// sequential comparison with the champion, and the liquidation curves with their bands; the curves download as CSV.
// Supervisors see every creditor's cases (/api/analytics); with ?portal=1 a creditor sees its own (/api/creditor/portal/arms).
import { api, $, el, signOut } from './api.js';
import { startPage, t, fmt } from './i18n.js';
import { drawArmCurves } from './analytics-chart.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
$('#btn-signout').addEventListener('click', signOut);

const params = new URLSearchParams(location.search);
const portal = params.get('portal') === '1';
let creditor = null;
if (portal) {
  const creditors = await api('/api/creditor/portal/creditors');
  creditor = creditors.some((c) => c.code === params.get('creditor')) ? params.get('creditor') : creditors[0]?.code;
  $('#creditor').replaceChildren(...creditors.map((c) => el('option', { value: c.code, selected: c.code === creditor }, `${c.name} (${c.code})`)));
  $('#creditor-switch').hidden = false;
  $('#creditor').addEventListener('change', () => { creditor = $('#creditor').value; load(); });
}

const pct = (f, digits = 1) => fmt.percent(f, digits);
const num = (v, digits = 2) => fmt.number(v, digits);
const range = (low, high, f = num) => `${f(low)} – ${f(high)}`;

// The champion/challenger tests' control (issue 20): each arm's status and share of new cases; supervisors stop, start and
// promote arms here (/api/analytics/tests), creditors read the status (/api/creditor/portal/arm-tests).
let controls = new Map();

async function change(button, strategy, arm, action) {
  const note = button.closest('section').querySelector('input.arm-note')?.value ?? '';
  const response = await fetch(`/api/analytics/tests/${encodeURIComponent(strategy)}/arms/${encodeURIComponent(arm)}/${action}`,
    { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ note }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    $('#message').textContent = body.detail ?? body.title ?? `HTTP ${response.status}`;
    $('#message').hidden = false;
    return;
  }
  await load();
}

function controlCell(arm) {
  const state = controls.get(arm.strategy)?.arms.find((a) => a.arm === arm.arm);
  if (!state) return el('td', {}, '');
  const status = el('span', { class: `arm-status ${state.status}`, title: state.note ?? '' },
    `${t(`an.status.${state.status}`)} · ${t('an.ctl.share', { share: fmt.number(state.effectiveShare, 0) })}`);
  if (portal || ['promoted', 'ended'].includes(state.status)) return el('td', { class: 'arm-control' }, status);
  const button = (action) => el('button', { type: 'button', class: 'link', 'data-action': action, onclick: (e) => change(e.currentTarget, arm.strategy, arm.arm, action) }, t(`an.ctl.${action}`));
  const actions = [];
  if (state.arm !== 'champion') actions.push(button(state.status === 'stopped' ? 'start' : 'stop'));
  actions.push(button('promote'));
  return el('td', { class: 'arm-control' }, status, ' ', ...actions);
}

function historyList(strategy) {
  const history = controls.get(strategy)?.history ?? [];
  if (!history.length) return null;
  return el('ul', { class: 'arm-history muted' }, history.map((c) =>
    el('li', {}, `${fmt.dateTime(c.at)} · ${t(`an.ctl.${c.action}`)} ${c.arm}${c.by ? ` · ${c.by}` : ''}${c.note ? ` · ${c.note}` : ''}`)));
}

function armRow(arm) {
  const vs = arm.vsChampion;
  const verdict = vs === null ? el('span', { class: 'muted' }, t('an.champion'))
    : el('span', { class: `verdict ${vs.significant ? 'significant' : 'not-yet'}` },
      t(vs.significant ? 'an.significant' : 'an.notYet', { p: vs.pValue < 0.0001 ? vs.pValue.toExponential(1) : fmt.number(vs.pValue, 4) }));
  const status = controls.get(arm.strategy)?.arms.find((a) => a.arm === arm.arm)?.status ?? '';
  return el('tr', { 'data-arm': arm.arm, 'data-significant': vs === null ? '' : String(vs.significant), 'data-status': status },
    el('td', {}, el('b', {}, arm.arm)),
    controlCell(arm),
    el('td', { class: 'num' }, `${fmt.number(arm.cases)} / ${fmt.number(arm.opened)}`),
    el('td', { class: 'num' }, fmt.money(arm.collectedPerCase, arm.currency)),
    el('td', { class: 'num' }, range(arm.ciLow, arm.ciHigh)),
    el('td', { class: 'num' }, vs === null ? '' : `${vs.difference > 0 ? '+' : ''}${num(vs.difference)}${vs.ciLow === null ? '' : ` (${range(vs.ciLow, vs.ciHigh)})`}`),
    el('td', {}, verdict),
    el('td', { class: 'num' }, `${pct(arm.contactRate.value)} (${range(arm.contactRate.low, arm.contactRate.high, pct)})`),
    el('td', { class: 'num' }, `${pct(arm.rpcRate.value)} (${range(arm.rpcRate.low, arm.rpcRate.high, pct)})`),
    el('td', { class: 'num' }, `${pct(arm.promiseRate.value)} (${range(arm.promiseRate.low, arm.promiseRate.high, pct)})`),
    el('td', { class: 'num' }, `${pct(arm.promiseKeptRate.value)} (${range(arm.promiseKeptRate.low, arm.promiseKeptRate.high, pct)})`),
    el('td', { class: 'num' }, `${num(arm.costPerCase.value)} / ${num(arm.collectedPerCostUnit.value)}`));
}

// What followed each step, channel, template, script and discount offer within the window: associations, not effects.
function touchTable(touches, currency, windowDays) {
  if (!touches.length) return null;
  const rate = (r) => `${pct(r.value)} (${range(r.low, r.high, pct)})`;
  return el('div', { class: 'touches' },
    el('h3', {}, t('an.touch.heading', { days: windowDays })),
    el('p', { class: 'hint' }, t('an.touch.caveat')),
    el('table', { class: 'touch-table' },
      el('thead', {}, el('tr', {}, ...['an.touch.col.what', 'an.touch.col.touches', 'an.col.contact', 'an.col.rpc', 'an.col.promise', 'an.col.kept', 'an.touch.col.collected', 'an.touch.col.cost']
        .map((k) => el('th', {}, t(k))))),
      el('tbody', {}, touches.map((x) => el('tr', { 'data-dimension': x.dimension, 'data-value': x.value },
        el('td', {}, el('span', { class: 'muted' }, `${t(`an.touch.dim.${x.dimension}`)}: `), el('b', {}, x.value)),
        el('td', { class: 'num' }, `${fmt.number(x.touches)} / ${fmt.number(x.cases)}`),
        el('td', { class: 'num' }, rate(x.contactRate)),
        el('td', { class: 'num' }, rate(x.rpcRate)),
        el('td', { class: 'num' }, rate(x.promiseRate)),
        el('td', { class: 'num' }, rate(x.promiseKeptRate)),
        el('td', { class: 'num' }, `${fmt.money(x.collectedPerTouch.value, currency)} (${range(x.collectedPerTouch.low, x.collectedPerTouch.high)})`),
        el('td', { class: 'num' }, `${num(x.costPerTouch)} / ${x.collectedPerCostUnit ? num(x.collectedPerCostUnit.value) : '–'}`))))));
}

function testBlock(key, arms, curves, touches, windowDays) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart curve');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('an.curve'));
  const legend = el('p', { class: 'legend curve-legend' });
  const block = el('section', { class: 'card analytics-test', 'data-test': key },
    el('h2', {}, `${arms[0].strategy} · ${arms[0].currency}`),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['an.col.arm', 'an.col.status', 'an.col.cases', 'an.col.collected', 'an.col.ci', 'an.col.vs', 'an.col.verdict', 'an.col.contact', 'an.col.rpc', 'an.col.promise', 'an.col.kept', 'an.col.cost']
        .map((k) => el('th', {}, t(k))))),
      el('tbody', {}, arms.map(armRow))),
    portal || !controls.has(arms[0].strategy) ? null
      : el('label', { class: 'inline arm-reason' }, t('an.ctl.reason'), ' ', el('input', { class: 'arm-note', maxlength: 500, size: 60 })),
    historyList(arms[0].strategy),
    el('h3', {}, t('an.curve')), svg, legend,
    touchTable(touches, arms[0].currency, windowDays));
  drawArmCurves(svg, legend, curves, (f) => pct(f, 0), t('an.axis'));
  return block;
}

async function load() {
  const query = new URLSearchParams();
  if (params.get('strategy')) query.set('strategy', params.get('strategy'));
  if (creditor) query.set('creditor', creditor);
  const base = portal ? '/api/creditor/portal/arms' : '/api/analytics/arms';
  $('#csv').href = `${portal ? '/api/creditor/portal/arms/curves.csv' : '/api/analytics/curves.csv'}?${query}`;
  $('#touches-csv').href = `${portal ? '/api/creditor/portal/arms/touches.csv' : '/api/analytics/touches.csv'}?${query}`;
  try {
    const [data, armTests] = await Promise.all([api(`${base}?${query}`), api(portal ? '/api/creditor/portal/arm-tests' : '/api/analytics/tests')]);
    controls = new Map(armTests.map((test) => [test.strategy, test]));
    $('#basis').textContent = t('an.basis', { date: fmt.date(data.asOf), days: data.horizonDays, alpha: fmt.number(data.alpha, 2) });
    const tests = new Map();
    for (const arm of data.arms) {
      const key = `${arm.strategy}|${arm.currency}`;
      if (!tests.has(key)) tests.set(key, []);
      tests.get(key).push(arm);
    }
    // The largest tests first: a test of a handful of cases has little to say yet.
    const ordered = [...tests].sort((a, b) => b[1].reduce((n, x) => n + x.opened, 0) - a[1].reduce((n, x) => n + x.opened, 0));
    $('#tests').replaceChildren(...(tests.size ? ordered.map(([key, arms]) =>
      testBlock(key, arms, data.curves.filter((c) => `${c.strategy}|${c.currency}` === key),
        data.touches.filter((x) => `${x.strategy}|${x.currency}` === key), data.touchWindowDays)) : [el('p', { class: 'muted' }, t('an.none'))]));
    $('#message').hidden = true;
  } catch (error) {
    $('#message').textContent = String(error.message ?? error);
    $('#message').hidden = false;
  }
}

await load();
