// The browser phone (docs/console.md, "Browser phone"): SIP.js from npm registers the operator's extension over SIP over
// WebSocket at /sip on this console (RFC 7118, behind the sign-in), answers the dialer's nailed-up call with WebRTC audio
// (the headset on this PC), and comes back by itself after a network drop. No SIP is written here: SIP.js speaks it.
import { UserAgent, Registerer, RegistererState, SessionState } from '../lib/sip.js/index.js';
import { api, $ } from './api.js';

const panel = $('#phone-panel');
const audio = $('#phone-audio');
const status = $('#phone-status');
const muteButton = $('#phone-mute');
const volume = $('#phone-volume');
const micSelect = $('#phone-mic');
const speakerSelect = $('#phone-speaker');
const levelIn = $('#phone-level-in');
const levelOut = $('#phone-level-out');
const processingBox = $('#phone-processing');
processingBox.checked = localStorage.getItem('phone.processing') !== 'off';

// Visible strings live in operator.html (data-text-* on the panel), beside the page's other strings.
function text(key, values = {}) {
  const template = panel.dataset[`text${key[0].toUpperCase()}${key.slice(1).replace(/-(.)/g, (_, c) => c.toUpperCase())}`] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
}

const phone = { state: 'off', extension: null, session: null, muted: false, reconnects: 0, registered: false };
let ua, registerer, audioContext, meters = [];

function show(state, values = {}) {
  phone.state = state;
  panel.dataset.state = state;
  status.textContent = text(state, { ext: phone.extension, ...values });
}

const settings = await api('/api/phone');
if (settings.deskPhone) {
  // Another phone holds the extension (a desk phone, a softphone): registering here would take the line from it.
  phone.extension = settings.extension;
  show('desk');
  // The page's language may arrive after this module ran: show the translated text when it does.
  new MutationObserver(() => show('desk')).observe(panel, { attributes: true, attributeFilter: ['data-text-desk'] });
} else if (!settings.enabled) {
  show('failed', { reason: settings.reason });
} else {
  phone.extension = settings.extension;
  await start(settings);
}

async function start(s) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${s.extension}@${s.realm}`),
    authorizationUsername: s.extension,
    authorizationPassword: s.password,
    displayName: s.extension,
    transportOptions: { server: `${scheme}://${location.host}${s.path}`, connectionTimeout: 5, keepAliveInterval: 15 },
    sessionDescriptionHandlerFactoryOptions: {
      // The dialer is ICE-lite with one host candidate: no STUN or TURN servers needed, gathering is quick.
      peerConnectionConfiguration: { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' },
      iceGatheringTimeout: 1000,
    },
    logLevel: 'warn',
    delegate: { onInvite: answer, onDisconnect: lost },
  });
  registerer = new Registerer(ua, { expires: 300 });
  registerer.stateChange.addListener((state) => {
    phone.registered = state === RegistererState.Registered;
    if (phone.registered && !phone.session) show('ready');
  });
  window.addEventListener('online', () => { if (!ua.isConnected()) reconnect(0); });
  show('connecting');
  try {
    await ua.start();
    await register();
  } catch {
    reconnect();
  }
}

async function register() {
  show('registering');
  // The registerer's state does not change when it registers again after a reconnect, so the 200 itself says "ready".
  await registerer.register({
    requestDelegate: {
      onAccept: () => { phone.registered = true; if (!phone.session) show('ready'); },
      onReject: (r) => show('failed', { reason: `${r.message.statusCode} ${r.message.reasonPhrase}` }),
    },
  });
}

// A network drop closes the WebSocket: the dialer ends the line (its flow is gone) and calls again once we are back.
function lost(error) {
  phone.registered = false;
  if (error) reconnect();
}

let reconnectTimer = null;
function reconnect(delay) {
  if (reconnectTimer) return;
  show('reconnecting');
  const wait = delay ?? Math.min(1000 * 2 ** phone.reconnects, 8000);
  reconnectTimer = setTimeout(async () => {
    reconnectTimer = null;
    phone.reconnects++;
    try {
      await ua.reconnect();
      await register();
    } catch {
      reconnect();
    }
  }, wait);
}

// Voice processing (echo cancellation, noise suppression, gain control) suits a noisy floor; with a good headset an
// operator may turn it off. It also removes steady tones, as a test microphone plays.
function microphone() {
  const id = micSelect.value || localStorage.getItem('phone.mic');
  const processing = processingBox.checked;
  const constraints = { echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing };
  return id ? { deviceId: { exact: id }, ...constraints } : constraints;
}

// The dialer's nailed-up leg: answered at once, for the whole shift. A call that replaces one left over from a drop wins.
async function answer(invitation) {
  const old = phone.session;
  phone.session = invitation;
  if (old) old.dispose().catch(() => {});
  invitation.stateChange.addListener((state) => {
    if (state === SessionState.Established && phone.session === invitation) connected(invitation);
    if (state === SessionState.Terminated && phone.session === invitation) {
      phone.session = null;
      muteButton.disabled = true;
      audio.srcObject = null;
      stopMeters();
      show(phone.registered ? 'ready' : 'reconnecting');
    }
  });
  try {
    await invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: microphone(), video: false } } });
  } catch (error) {
    show('failed', { reason: error?.message ?? String(error) });
  }
}

function connected(session) {
  const sdh = session.sessionDescriptionHandler;
  audio.srcObject = sdh.remoteMediaStream;
  audio.volume = Number(volume.value) / 100;
  applySpeaker();
  audio.play().catch(() => {});
  setMuted(phone.muted);
  muteButton.disabled = false;
  phone.reconnects = 0;
  show('onLine');
  startMeters(sdh.remoteMediaStream, sdh.localMediaStream);
  listDevices();
}

function setMuted(muted) {
  phone.muted = muted;
  phone.session?.sessionDescriptionHandler?.enableSenderTracks(!muted);
  muteButton.setAttribute('aria-pressed', String(muted));
  muteButton.classList.toggle('on', muted);
  panel.dataset.muted = String(muted);
}

function applySpeaker() {
  const id = speakerSelect.value || localStorage.getItem('phone.speaker');
  if (id && typeof audio.setSinkId === 'function') audio.setSinkId(id).catch(() => {});
}

async function switchMicrophone() {
  localStorage.setItem('phone.mic', micSelect.value);
  const pc = phone.session?.sessionDescriptionHandler?.peerConnection;
  if (!pc) return;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: microphone(), video: false });
  const track = stream.getAudioTracks()[0];
  track.enabled = !phone.muted;
  const sender = pc.getSenders().find((s) => s.track?.kind === 'audio');
  await sender?.replaceTrack(track);
  startMeters(phone.session.sessionDescriptionHandler.remoteMediaStream, stream);
}

async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  for (const [select, kind, key] of [[micSelect, 'audioinput', 'phone.mic'], [speakerSelect, 'audiooutput', 'phone.speaker']]) {
    const chosen = select.value || localStorage.getItem(key) || '';
    select.replaceChildren(...devices.filter((d) => d.kind === kind).map((d, i) => {
      const option = document.createElement('option');
      option.value = d.deviceId;
      option.textContent = d.label || `${kind} ${i + 1}`;
      return option;
    }));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }
}

// Level meters: what the operator hears (the debtor) and what their microphone sends.
function startMeters(remote, local) {
  stopMeters();
  audioContext ??= new AudioContext();
  audioContext.resume().catch(() => {});
  meters = [[remote, levelIn], [local, levelOut]].filter(([stream]) => stream?.getAudioTracks().length).map(([stream, meter]) => {
    const analyser = audioContext.createAnalyser();
    analyser.fftSize = 512;
    const source = audioContext.createMediaStreamSource(stream);
    source.connect(analyser);
    return { analyser, source, meter, data: new Float32Array(analyser.fftSize) };
  });
  requestAnimationFrame(drawMeters);
}

function stopMeters() {
  for (const m of meters) { m.source.disconnect(); m.meter.value = 0; }
  meters = [];
}

function drawMeters() {
  if (!meters.length) return;
  for (const m of meters) {
    m.analyser.getFloatTimeDomainData(m.data);
    let sum = 0;
    for (const v of m.data) sum += v * v;
    m.meter.value = Math.min(1, Math.sqrt(sum / m.data.length) * 4);
  }
  requestAnimationFrame(drawMeters);
}

// Browsers start audio only after a gesture: the operator's first click or key (R for ready) unlocks it.
for (const type of ['pointerdown', 'keydown']) {
  document.addEventListener(type, () => { audioContext?.resume().catch(() => {}); audio.play().catch(() => {}); }, { once: true });
}

muteButton.addEventListener('click', () => setMuted(!phone.muted));
volume.addEventListener('input', () => { audio.volume = Number(volume.value) / 100; });
micSelect.addEventListener('change', () => switchMicrophone().catch((e) => show('failed', { reason: e.message })));
processingBox.addEventListener('change', () => {
  localStorage.setItem('phone.processing', processingBox.checked ? 'on' : 'off');
  switchMicrophone().catch((e) => show('failed', { reason: e.message }));
});
speakerSelect.addEventListener('change', () => { localStorage.setItem('phone.speaker', speakerSelect.value); applySpeaker(); });
document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
  if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === 'm' && phone.session) {
    e.preventDefault();
    setMuted(!phone.muted);
  }
});
navigator.mediaDevices?.addEventListener?.('devicechange', () => listDevices().catch(() => {}));

// For people checking their audio, and for the browser tests: what WebRTC says it receives and sends.
window.collectionsPhone = {
  get state() { return phone.state; },
  get registered() { return phone.registered; },
  get inCall() { return phone.session?.state === SessionState.Established; },
  async stats() {
    const pc = phone.session?.sessionDescriptionHandler?.peerConnection;
    if (!pc) return null;
    const out = { packetsReceived: 0, packetsSent: 0, totalAudioEnergy: 0, codec: null, dtls: null };
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') { out.packetsReceived = s.packetsReceived; out.totalAudioEnergy = s.totalAudioEnergy ?? 0; out.codecId = s.codecId; }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.packetsSent = s.packetsSent;
      if (s.type === 'transport') out.dtls = s.dtlsState;
    });
    if (out.codecId) (await pc.getStats()).forEach((s) => { if (s.id === out.codecId) out.codec = s.mimeType; });
    return out;
  },
};
panel.dataset.ready = 'true';
