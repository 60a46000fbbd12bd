// The console's texts in the user's language, and dates, numbers and money formatted for that language's locale.
//
// Texts live in /i18n/{language}.json, flat "page.thing" keys; en.json is the reference and a test fails when another
// language lacks a key (tests/Collections.AgentConsole.Tests/Console/TranslationTests.cs). In a page:
//   <span data-i18n="op.ready">Ready</span>          text content
//   <input data-i18n-attr="aria-label:op.pauseReason"> attributes (several: "title:a.b;aria-label:c.d")
// and in a module: t('op.saved', { what }) with {name} placeholders. A new page imports startPage() (or loadLanguage
// and translate) and adds a languageSwitch(); see docs/console.md "Languages".

/** Console language -> the locale its dates and numbers are written in (the seed markets' countries, and Britain). */
export const locales = { sq: 'sq-AL', lv: 'lv-LV', de: 'de-DE', sl: 'sl-SI', hu: 'hu-HU', en: 'en-GB' };

/** Each language's name in itself, for the switch. */
export const languageNames = { sq: 'Shqip', lv: 'Latviešu', de: 'Deutsch', sl: 'Slovenščina', hu: 'Magyar', en: 'English' };

let texts = {};
let reference = {};
let current = 'en';

/** The language in use (ISO 639-1). */
export const language = () => current;

/** The locale in use, for Intl formatters. */
export const locale = () => locales[current] ?? locales.en;

async function fetchTexts(code) {
  const response = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`/i18n/${code}.json: HTTP ${response.status}`);
  return response.json();
}

/** Loads a language's texts (English as the fallback for a key missing at run time) and marks the document with it. */
export async function loadLanguage(code) {
  current = code in locales ? code : 'en';
  reference = await fetchTexts('en');
  texts = current === 'en' ? reference : await fetchTexts(current);
  document.documentElement.lang = current;
  return current;
}

/** The text of a key with {name} placeholders filled; a missing key falls back to English, then to the key itself. */
export function t(key, values = {}) {
  const text = texts[key] ?? reference[key];
  if (text === undefined) {
    console.warn(`i18n: no text for '${key}'`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (values[name] ?? whole));
}

/** Whether a key has a text (in the language in use or in English). */
export const has = (key) => key in texts || key in reference;

/** Translates every marked element under root: data-i18n (text) and data-i18n-attr ("attr:key;attr:key"). */
export function translate(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':').map((s) => s.trim());
      if (attribute && key) node.setAttribute(attribute, t(key));
    }
  }
  const title = document.querySelector('title[data-i18n]');
  if (title) document.title = title.textContent;
}

const cache = new Map();
function formatter(kind, options) {
  const key = `${locale()}|${kind}|${JSON.stringify(options)}`;
  if (!cache.has(key)) cache.set(key, kind === 'number' ? new Intl.NumberFormat(locale(), options) : new Intl.DateTimeFormat(locale(), options));
  return cache.get(key);
}

/** Formatting for the locale of the language in use. */
export const fmt = {
  /** 1234.5 EUR -> "1.234,50 €" (de), "1 234,50 €" (lv), "€1,234.50" (en); an unknown code is written after the number. */
  money(value, currency) {
    if (value === null || value === undefined || value === '') return '';
    try {
      return formatter('number', { style: 'currency', currency }).format(Number(value));
    } catch {
      return `${fmt.number(value, 2)} ${currency}`;
    }
  },
  /** A number with a fixed count of decimals. */
  number(value, decimals = 0) {
    return formatter('number', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(Number(value));
  },
  /** 0.031 -> "3,1 %" (de). */
  percent(fraction, decimals = 1) {
    return formatter('number', { style: 'percent', minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(Number(fraction));
  },
  /** An ISO date ("2026-07-01", a calendar date with no zone) in the locale's short form. */
  date(iso) {
    if (!iso) return '';
    const [y, m, d] = String(iso).slice(0, 10).split('-').map(Number);
    return formatter('date', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
  },
  /** An instant in the browser's zone, date and time. */
  dateTime(instant) {
    if (!instant) return '';
    return formatter('date', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
  },
};

/** Fills a <select> with the console's languages and saves the choice in the user's profile, then reloads the page. */
export function languageSwitch(select, { save = saveToProfile } = {}) {
  select.replaceChildren(...Object.entries(languageNames).map(([code, name]) => {
    const option = document.createElement('option');
    option.value = code;
    option.textContent = name;
    option.lang = code;
    option.selected = code === current;
    return option;
  }));
  select.setAttribute('aria-label', t('common.language'));
  select.addEventListener('change', async () => {
    await save(select.value);
    location.reload();
  });
}

async function saveToProfile(code) {
  const response = await fetch('/api/me/language', {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ language: code }),
  });
  if (!response.ok) throw new Error(`language: HTTP ${response.status}`);
}

/** For a signed-in page: loads the user's language, translates the page and wires the switch (#lang). */
export async function startPage(me) {
  await loadLanguage(me.language);
  translate();
  const select = document.querySelector('#lang');
  if (select) languageSwitch(select);
}
