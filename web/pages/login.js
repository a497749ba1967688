// #/ without an API key: the login form. A valid key starts the session (app.js).
import { api, setKey } from '../api.js';
import { h, field, showPage } from '../dom.js';
import { errorText } from '../flash.js';
import { requestStart } from '../session-events.js';
import { store } from '../store.js';

export function loginPage() {
  document.getElementById('topbar').hidden = true;
  const input = h('input', { type: 'password', autocomplete: 'off', required: true });
  const err = h('p', { class: 'field-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card login', 'aria-label': 'Log in' },
    h('h1', {}, 'xport hub'),
    h(
      'p',
      { class: 'muted' },
      'Log in with your API key (the first start of the hub prints the admin key and writes it to DATA_DIR/admin-api-key).',
    ),
    field('API key', input),
    err,
    h('button', { type: 'submit' }, 'Log in'),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setKey(input.value.trim());
    try {
      store.me = await api('GET', '/api/me');
      requestStart();
    } catch (e) {
      setKey('');
      err.textContent = e.status === 401 ? 'That API key is not valid.' : errorText(e);
    }
  });
  showPage(form);
  input.focus();
}
