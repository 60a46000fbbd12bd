import { api, connectHub, hubMessage, $, el, clock, stateNames, stateClass, stateText, pauseText, signOut } from './api.js';
import { startPage, t, fmt } from './i18n.js';

const me = await api('/api/me');
await startPage(me);
$('#me').textContent = me.displayName;
// The audit trail is for administrators only (its API refuses everyone else).
$('#link-audit').hidden = !me.roles.includes('Administrator');
$('#btn-signout').addEventListener('click', signOut);

const agents = new Map();          // agentId -> status
const monitorings = new Map();     // callId -> MonitoringDto: calls a supervisor is on
const canMonitor = me.roles.includes('Supervisor');
const modeNames = ['Listen', 'Whisper', 'Barge'];   // MonitorMode as the hub sends it (a number)
const history = [];                // { t, counts[5], abandon, target }
let board = null, hub, skew = 0;   // skew: server clock minus browser clock, from sentAt
const pct = (x) => fmt.percent(x, 1);

function renderAgents() {
  const rows = [...agents.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const now = Date.now() + skew;
  $('#agents tbody').replaceChildren(...rows.map((a) => el('tr', { 'data-agent': a.agentId },
    el('td', {}, a.displayName, ...(a.node ? [' ', el('small', { class: 'muted', 'data-node': a.node, title: t('wb.nodeTitle') }, a.node)] : [])),
    el('td', {}, el('span', { class: `state ${stateClass[a.state]}`, 'data-state': stateNames[a.state] }, stateText(a.state) + (a.pauseReason ? ` (${pauseText(a.pauseReason)})` : ''))),
    el('td', { class: 'num' }, clock((now - Date.parse(a.since)) / 1000)),
    el('td', { class: 'num' }, fmt.number(a.talkMinutesPerHour, 1)),
    el('td', { class: 'monitor' }, ...monitorCell(a)))));
  const counts = [0, 0, 0, 0, 0];
  for (const a of rows) counts[a.state]++;
  $('#kpi-ready').textContent = counts[1];
  $('#kpi-oncall').textContent = counts[2];
  $('#kpi-wrapup').textContent = counts[3];
  $('#kpi-paused').textContent = counts[4];
  return counts;
}

function campaignRow(c) {
  const lines = el('input', { type: 'number', min: 1, max: 5, step: 0.1, value: c.maxLinesPerAgent, 'aria-label': t('wb.linesPerAgent') });
  const target = el('input', { type: 'number', min: 0, max: 5, step: 0.1, value: (c.targetAbandonRate * 100).toFixed(1), 'aria-label': t('wb.targetPercent') });
  const mode = el('select', { 'aria-label': t('wb.pacing') }, ['Preview', 'Progressive', 'Predictive'].map((m) => el('option', { value: m, selected: m === c.mode }, t(`mode.${m}`))));
  const running = c.status === 'Running';
  return el('tr', { 'data-campaign': c.id },
    el('td', {}, c.name),
    el('td', {}, el('span', { class: `status ${c.status.toLowerCase()}`, 'data-status': c.status }, t(`campaignStatus.${c.status}`))),
    el('td', {}, mode),
    el('td', { class: 'num' }, fmt.number(c.ratio, 1)),
    el('td', { class: 'num' }, c.dialing), el('td', { class: 'num' }, c.ringing), el('td', { class: 'num' }, c.waiting),
    el('td', {}, lines), el('td', {}, target, ' %'),
    el('td', {},
      el('button', { onclick: () => command({ campaignId: c.id, status: running ? 'Paused' : 'Running' }) }, running ? t('wb.pause') : t('wb.start')),
      el('button', { onclick: () => command({ campaignId: c.id, mode: mode.value, maxLinesPerAgent: Number(lines.value), targetAbandonRate: Number(target.value) / 100 }) }, t('wb.retune'))));
}

// Listen, whisper, barge: on a live call (on call, debtor on the line), from the supervisor's phone; the mode can change
// during the call, and Leave hangs up only the supervisor's leg.
function monitorCell(a) {
  const m = a.callId ? monitorings.get(a.callId) : null;
  const out = [];
  if (m) out.push(el('span', { class: 'monitoring', 'data-mode': modeNames[m.mode] }, t('wb.monitoredBy', { name: m.supervisor, mode: t(`monitor.mode.${modeNames[m.mode]}`) })), ' ');
  if (!canMonitor || a.state !== 2 || !a.callId) return out;
  modeNames.forEach((mode, i) => {
    out.push(el('button', { 'data-monitor': mode, disabled: m?.mode === i, onclick: () => monitor(a, i) }, t(`wb.${mode.toLowerCase()}`)));
  });
  if (m) out.push(el('button', { 'data-monitor': 'Leave', onclick: () => leave(a) }, t('wb.leave')));
  return out;
}

async function monitor(a, mode) {
  $('#monitor-message').textContent = t('wb.callingYourPhone');
  try {
    const m = await hub.invoke('Monitor', a.callId, mode);
    monitorings.set(m.callId, m);
    $('#monitor-message').textContent = '';   // the row says who is on the call and how
  } catch (error) {
    $('#monitor-message').textContent = hubMessage(error);
  }
  renderAgents();
}

async function leave(a) {
  try {
    const m = await hub.invoke('StopMonitoring', a.callId);
    monitorings.delete(m.callId);
    $('#monitor-message').textContent = '';
  } catch (error) {
    $('#monitor-message').textContent = hubMessage(error);
  }
  renderAgents();
}

function showMonitoring(m) {
  if (m.mode == null) monitorings.delete(m.callId); else monitorings.set(m.callId, m);
  renderAgents();
}

let editing = false;   // do not redraw the campaign table under a supervisor's cursor
document.addEventListener('focusin', (e) => { editing = !!e.target.closest?.('#campaigns'); });
document.addEventListener('focusout', () => { editing = false; });

async function command(cmd) {
  try {
    const c = await hub.invoke('UpdateCampaign', cmd);
    $('#campaign-message').textContent = t('wb.campaignChanged', { name: c.name, status: t(`campaignStatus.${c.status}`), mode: t(`mode.${c.mode}`), lines: fmt.number(c.maxLinesPerAgent, 1), target: pct(c.targetAbandonRate) });
    editing = false;
  } catch (error) {
    $('#campaign-message').textContent = hubMessage(error);
  }
}

// Rate, then abandoned of answered by a person; the AMD estimate (people hung up on as machines, counted abandoned by
// Ofcom) is already in both numbers, shown so a rate on a handful of calls reads as what it is.
function abandonText(r) {
  const n = (x) => fmt.number(x, Number.isInteger(x) ? 0 : 1);
  const est = r.estimatedAmdFalsePositives;
  const amd = est > 0 ? t('wb.amdEstimate', { count: n(est) }) : '';
  return `${pct(r.rate)} (${t('wb.ofAnswered', { abandoned: n(r.abandoned + est), answered: n(r.answered + r.abandoned + est) })}${amd})`;
}

// With several console nodes (Redis backplane) the board is the whole floor and names its nodes; a silent node's
// operators are already off the board, the line says since when it is silent.
function renderNodes(nodes) {
  const line = $('#floor-nodes');
  line.hidden = !nodes;
  if (!nodes) return;
  line.replaceChildren(...nodes.map((n, i) => el('span', { 'data-node': n.name, 'data-silent': String(n.silent), class: n.silent ? 'error' : '' },
    i ? ' · ' : '',
    n.silent ? t('wb.nodeSilent', { node: n.name, time: fmt.dateTime(n.lastReport) }) : t('wb.nodeLive', { node: n.name, count: n.signedIn }))));
}

function renderBoard(b) {
  board = b;
  renderNodes(b.nodes);
  skew = Date.parse(b.sentAt) - Date.now();
  for (const a of b.agents) agents.set(a.agentId, a);
  const counts = renderAgents();
  $('#kpi-talk').textContent = fmt.number(b.talkMinutesPerAgentHour, 1);
  $('#kpi-abandon-today').textContent = abandonText(b.today);
  $('#kpi-abandon-24h').textContent = abandonText(b.rolling24h);
  $('#kpi-abandon-24h').title = $('#kpi-abandon-today').title = t('wb.abandonTitle');
  $('#kpi-abandon-24h').classList.toggle('over', b.rolling24h.rate > b.rolling24h.target);
  $('#kpi-target').textContent = pct(b.rolling24h.target);
  if (!editing) $('#campaigns tbody').replaceChildren(...b.campaigns.map(campaignRow));
  renderInbound(b.inbound);
  history.push({ t: Date.parse(b.sentAt), counts, abandon: b.rolling24h.rate, target: b.rolling24h.target });
  while (history.length > 600) history.shift();
  drawStates();
  drawAbandon();
}

// The inbound queue (issue 17): callers waiting now, and today's answered, service level, abandoned and messages.
function renderInbound(q) {
  $('#inbound').hidden = !q;
  if (!q) return;
  $('#kpi-inbound-waiting').textContent = q.waiting;
  $('#kpi-inbound-longest').textContent = clock(q.longestWaitSeconds);
  $('#kpi-inbound-sl-label').textContent = t('wb.serviceLevel', { seconds: q.targetSeconds });
  $('#kpi-inbound-sl').textContent = pct(q.serviceLevel);
  $('#kpi-inbound-answered').textContent = q.answered;
  $('#kpi-inbound-abandoned').textContent = q.abandonedInQueue;
  $('#kpi-inbound-voicemails').textContent = q.voicemails;
  // Blending: ready operators the campaigns do not dial for, and why (Erlang C for the target at the recent arrival rate).
  $('#kpi-inbound-reserved').textContent = q.reserved;
  $('#kpi-inbound-reserved-box').title = t('wb.inboundReservedWhy',
    { needed: q.reservedNeeded, percent: q.targetPercent, seconds: q.targetSeconds, rate: q.arrivalsPerHour });
}

// Messages left from numbers no debtor has wait here for a supervisor (a known debtor's message is a callback already).
async function loadMessages() {
  const list = await api('/api/inbound/messages');
  $('#inbound-messages').replaceChildren(...(list.length ? list.map((m) => el('li', { 'data-call': m.callId },
    el('b', {}, m.from), ` · ${fmt.dateTime(m.receivedAt)} · ${m.language} `,
    el('a', { href: `/api/inbound/messages/${m.callId}/audio` }, t('wb.playMessage')), ' ',
    el('button', { onclick: async () => { await api(`/api/inbound/messages/${m.callId}/handled`, { method: 'POST' }); loadMessages(); } }, t('wb.messageDone'))))
    : [el('li', { class: 'muted' }, t('common.none'))]));
}

const svgNs = 'http://www.w3.org/2000/svg';
function path(d, cls) { const p = document.createElementNS(svgNs, 'path'); p.setAttribute('d', d); p.setAttribute('class', cls); return p; }

function drawStates() {
  const svg = $('#chart-states'), w = 600, h = 160;
  const max = Math.max(1, ...history.map((x) => Math.max(...x.counts.slice(1))));
  const x = (i) => (history.length < 2 ? w : (i / (history.length - 1)) * w);
  const lines = [1, 2, 3, 4].map((s) => path(history.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${(h - 4 - (p.counts[s] / max) * (h - 8)).toFixed(1)}`).join(''), `line ${stateClass[s]}`));
  svg.replaceChildren(...lines);
}

function drawAbandon() {
  const svg = $('#chart-abandon'), w = 600, h = 120;
  const top = Math.max(0.05, ...history.map((p) => p.abandon)) * 1.2;
  const x = (i) => (history.length < 2 ? w : (i / (history.length - 1)) * w);
  const y = (v) => h - (v / top) * h;
  svg.replaceChildren(
    path(history.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.target).toFixed(1)}`).join(''), 'line target'),
    path(history.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.abandon).toFixed(1)}`).join(''), 'line abandon'));
}

function showDelay(sentAt) {
  $('#delay').textContent = t('wb.delay', { ms: fmt.number(Math.max(0, Date.now() + skew - Date.parse(sentAt))) });
}

// Once a second the server sends what changed since the previous version of its board (docs/performance.md, "A faster
// wallboard"). The page holds one version of one epoch (a node's sequence); a delta that is not the next version, or of
// another epoch (a missed message, a reconnection to another node), makes it ask for the whole board again.
let held = null;        // { epoch, version } of the board on the screen
let following = null;   // a FollowChanges call in flight

function follow() {
  following ??= hub.invoke('FollowChanges').then((b) => {
    agents.clear();
    renderBoard(b);
    held = { epoch: b.epoch, version: b.version };
  }).finally(() => { following = null; });
  return following;
}

function applyDelta(d) {
  if (following) return;                                   // the whole board is on its way
  if (held && d.epoch === held.epoch && d.version <= held.version) return;   // already on the screen
  if (!held || d.epoch !== held.epoch || d.version !== held.version + 1) { follow(); return; }
  held.version = d.version;
  for (const id of d.agentsGone) agents.delete(id);
  const campaigns = new Map(board.campaigns.map((c) => [c.id, c]));
  for (const id of d.campaignsGone) campaigns.delete(id);
  for (const c of d.campaigns) campaigns.set(c.id, c);
  renderBoard({
    ...board,
    sentAt: d.sentAt,
    version: d.version,
    agents: d.agents,
    campaigns: [...campaigns.values()],
    talkMinutesPerAgentHour: d.talkMinutesPerAgentHour ?? board.talkMinutesPerAgentHour,
    today: d.today ?? board.today,
    rolling24h: d.rolling24h ?? board.rolling24h,
    inbound: d.inbound ?? board.inbound,
    nodes: d.nodes ?? board.nodes,
  });
  showDelay(d.sentAt);
}

hub = await connectHub('/hubs/supervisor', {
  // The whole board: sent only to a connection that has not asked for the changes (for a moment after a reconnection).
  Wallboard: (b) => { renderBoard(b); showDelay(b.sentAt); },
  WallboardDelta: applyDelta,
  AgentChanged: (a) => { agents.set(a.agentId, a); renderAgents(); },
  Monitoring: showMonitoring,
  SettlementRequest: (r) => { if (r.status === 'AwaitingCreditorApproval') $('#kpi-settlements').textContent = t('wb.newRequest'); },
}, (text, state) => { $('#conn').textContent = text; $('#conn').dataset.state = state; }, async () => {
  // A new connection is in no group of the old one: follow the changes again from a whole board.
  held = null;
  await follow();
});
for (const m of await hub.invoke('Monitorings')) monitorings.set(m.callId, m);
await follow();
setInterval(renderAgents, 1000);
loadMessages();
setInterval(loadMessages, 15000);

// Everything is wired: tests (and people) may use the page now.
document.body.dataset.ready = 'true';
