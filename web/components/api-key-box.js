// An API key the hub has just made (a new user, a new organisation's first admin, a rotated
// key). The hub keeps only its hash, so this box is the one time anyone sees it: it is built
// from the answer that carried the key and lives in the page only, never in the store.
import { h, copyText } from '../dom.js';

export function apiKeyBox(title, apiKey) {
  const code = h('code', { class: 'secret', 'aria-label': 'API key' }, apiKey);
  const copy = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': 'Copy API key' },
    'Copy',
  );
  copy.addEventListener('click', () => copyText(apiKey, copy));
  const done = h('button', { type: 'button', class: 'secondary' }, 'Done');
  const box = h(
    'section',
    { class: 'card key-box', role: 'region', 'aria-label': 'New API key' },
    h('h2', {}, title),
    h('div', { class: 'row' }, code, copy),
    h(
      'p',
      { class: 'small' },
      h('strong', {}, 'Shown once: '),
      'copy it now. The hub keeps only a hash of it and cannot show it again; ' +
        'if it is lost, rotate the key to make a new one.',
    ),
    h('div', { class: 'row' }, done),
  );
  done.addEventListener('click', () => box.remove());
  return box;
}
