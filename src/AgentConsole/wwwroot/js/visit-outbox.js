// The field agent's outbox: every outcome is written to the phone (localStorage) before it is sent, and stays there until
// the server has answered for it, so an outcome entered in a cellar with no signal is never lost. Each outcome carries
// its own idempotency key, made once when the agent saves; resending after a lost answer sends the same key, and the
// server stores one outcome per key (a unique index on field_visit_outcomes.idempotency_key), so it is never doubled.
//
// States: 'pending' (not yet answered for; sent when the connection returns) and 'refused' (the server refused it by a
// rule, 400/422: kept and shown to the agent with the reason, never resent by itself).

/** A key of 8-64 letters, digits and '-': crypto.randomUUID where the page is a secure context, else random bytes. */
export function newKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class VisitOutbox {
  /** @param storageKey localStorage key (one outbox per signed-in user). @param onChange called after every change. */
  constructor(storageKey, onChange = () => {}) {
    this.storageKey = storageKey;
    this.onChange = onChange;
    this.running = null;
  }

  /** The kept outcomes, oldest first. */
  items() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey) ?? '[]');
    } catch {
      return [];
    }
  }

  write(items) {
    localStorage.setItem(this.storageKey, JSON.stringify(items));
    this.onChange(items);
  }

  /** Keeps an outcome (written before anything is sent); returns its key. */
  add(body, label) {
    const item = { key: body.idempotencyKey, body, label, state: 'pending', keptAt: new Date().toISOString() };
    this.write([...this.items().filter((i) => i.key !== item.key), item]);
    return item.key;
  }

  remove(key) {
    this.write(this.items().filter((i) => i.key !== key));
  }

  update(key, change) {
    this.write(this.items().map((i) => (i.key === key ? { ...i, ...change } : i)));
  }

  /** Sends every pending outcome in order; one run at a time (a second call waits for the running one). Stops at the
   * first network failure or server error and leaves the rest for the next run. Returns the number still pending. */
  flush() {
    if (!this.running) {
      this.running = this.send().finally(() => { this.running = null; });
    }
    return this.running;
  }

  async send() {
    for (const item of this.items().filter((i) => i.state === 'pending')) {
      let response;
      try {
        response = await fetch('/api/visits/outcomes', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(item.body),
        });
      } catch {
        break; // no connection: everything stays kept
      }
      if (response.ok) {
        this.remove(item.key); // stored (201) or stored before (200, the same key): either way the server has it once
      } else if (response.status === 400 || response.status === 422) {
        let reason = `HTTP ${response.status}`;
        try { reason = (await response.json()).detail ?? reason; } catch { /* not JSON */ }
        this.update(item.key, { state: 'refused', error: reason });
      } else {
        if (response.status === 401) location.href = '/';
        break; // signed out, or the server failed: kept, retried later
      }
    }
    return this.items().filter((i) => i.state === 'pending').length;
  }
}
