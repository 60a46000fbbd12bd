// Shared helpers: JSON calls to the REST API and typed-ish hub connections (window.signalR from lib/signalr.min.js).
import { t, has, fmt } from './i18n.js';

/** Fetches JSON; a 401 sends the browser back to the sign-in page. */
export async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    ...options,
  });
  if (response.status === 401) {
    location.href = '/';
    throw new Error('signed out');
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.status === 204 ? null : response.json();
}

/** Waits before the n-th reconnect attempt: quickly at first, then every 15 s, and never gives up (a node restarting after a
 * crash takes longer than SignalR's default 42 s; a page that stopped trying would show a stale "On call" until reloaded). */
const retryDelay = (attempt) => [0, 1000, 2000, 5000, 10000][attempt] ?? 15000;

/** Opens a hub connection that reconnects by itself for as long as the page is open, reports its state to onState(text in
 * the user's language, state), and calls onResync() after every reconnection so the page reloads what it missed meanwhile. */
export async function connectHub(path, handlers, onState, onResync = async () => {}) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(path)
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const [name, handler] of Object.entries(handlers)) connection.on(name, handler);
  const resync = async () => {
    try { await onResync(); } catch (error) { console.warn('resync after reconnect failed', error); }
  };
  connection.onreconnecting(() => onState(t('conn.reconnecting'), 'reconnecting'));
  connection.onreconnected(async () => { onState(t('conn.connected'), 'connected'); await resync(); });
  // A connection SignalR gave up on (the server refused the reconnect, e.g. it restarted and forgot the connection) is
  // started afresh; a sign-in that no longer holds sends the browser to the sign-in page.
  connection.onclose(async () => {
    onState(t('conn.reconnecting'), 'reconnecting');
    for (let attempt = 0; connection.state === signalR.HubConnectionState.Disconnected; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
      try {
        await connection.start();
        onState(t('conn.connected'), 'connected');
        await resync();
        return;
      } catch (error) {
        if (String(error?.message ?? error).includes('401')) { location.href = '/'; return; }
      }
    }
  });
  await connection.start();
  onState(t('conn.connected'), 'connected');
  return connection;
}

/** The text of a hub error without SignalR's prefix. */
export function hubMessage(error) {
  const text = String(error?.message ?? error);
  const marker = 'HubException: ';
  return text.includes(marker) ? text.slice(text.indexOf(marker) + marker.length) : text;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Creates an element: el('td', { class: 'x' }, 'text', child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** mm:ss (or h:mm:ss) for a number of seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0'), ss = String(r).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

// stateNames are stable identifiers (data-state attributes, tests); stateText is what a person reads, in their language.
export const stateNames = ['Logged out', 'Ready', 'On call', 'Wrap-up', 'Paused'];
export const stateClass = ['logged-out', 'ready', 'on-call', 'wrap-up', 'paused'];
export const stateText = (state) => t(`state.${stateClass[state]}`);

// Pause reasons travel as the English value of the operator page's select; shown in the reader's language.
const pauseKeys = { Break: 'pause.break', Lunch: 'pause.lunch', Training: 'pause.training', Coaching: 'pause.coaching', 'Technical problem': 'pause.technical' };
export const pauseText = (reason) => (pauseKeys[reason] ? t(pauseKeys[reason]) : reason);

// A code the server sends ("no-answer", "PartlyPaid", "sms") in the reader's language: the key prefix.code, else
// prefix.PascalCode (an enum's own key), else prefix.kebab-code, else the code in words, so a code without a text yet
// still reads.
const pascal = (code) => code.split(/[-\s]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
const kebab = (code) => code.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/\s+/g, '-').toLowerCase();
const channelNames = { sms: 'Sms', whatsapp: 'WhatsApp', email: 'Email' };
export function codeText(prefix, code) {
  if (!code) return '';
  for (const key of [`${prefix}.${code}`, `${prefix}.${channelNames[code] ?? pascal(code)}`, `${prefix}.${kebab(code)}`]) {
    if (has(key)) return t(key);
  }
  return code.replaceAll('-', ' ');
}

/** A percentage the server sends as a number of percent (12.5), with the decimals it has (at most two). */
export function percentText(percent) {
  const decimals = Math.min(2, (String(percent).split('.')[1] ?? '').length);
  return fmt.percent(Number(percent) / 100, decimals);
}

/** Fills a text's {name} placeholders with nodes or strings (a bold amount inside a translated sentence). */
export function withNodes(text, values) {
  return text.split(/(\{\w+\})/).filter((part) => part !== '').map((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    return name && name in values ? values[name] : part;
  });
}

export async function signOut() {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' });
  location.href = '/';
}
