import { $ } from './api.js';
import { loadLanguage, translate, languageSwitch, t, locales } from './i18n.js';

// Before sign-in there is no profile: the language chosen here last time on this browser, else the browser's own.
const stored = localStorage.getItem('collections.lang');
const browser = navigator.languages.map((l) => l.split('-')[0]).find((l) => l in locales);
await loadLanguage(stored ?? browser ?? 'en');
translate();
languageSwitch($('#lang'), { save: async (code) => localStorage.setItem('collections.lang', code) });

$('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('#signin-error');
  error.hidden = true;
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: $('#login').value.trim(), password: $('#password').value }),
  });
  if (!response.ok) {
    error.textContent = t('signin.wrong');
    error.hidden = false;
    $('#password').select();
    return;
  }
  const me = await response.json();
  location.href = me.roles.includes('Operator') ? '/operator.html' : me.roles.includes('Creditor') ? '/portal.html'
    : me.roles.includes('Legal') ? '/legal.html' : me.roles.includes('FieldAgent') ? '/visits.html' : '/wallboard.html';
});

document.body.dataset.ready = 'true';
