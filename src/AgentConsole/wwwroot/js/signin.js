import { $ } from './api.js';

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
    error.textContent = 'Login or password is wrong.';
    error.hidden = false;
    $('#password').select();
    return;
  }
  const me = await response.json();
  location.href = me.roles.includes('Operator') ? '/operator.html' : '/wallboard.html';
});
