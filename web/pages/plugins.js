// #/plugins: the plugin list (polled every 3 s for online counts) and the create form.
import { api } from '../api.js';
import { h, field, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { bindConfigField } from '../json-check.js';
import { every } from '../page-timers.js';

function createForm() {
  const name = h('input', { type: 'text', required: true });
  const desc = h('input', { type: 'text' });
  const type = h('select', {}, h('option', { value: 'Export' }, 'Export'));
  const cfg = h('textarea', { rows: 6, spellcheck: 'false' }, '{}');
  const cfgErr = h('div', { class: 'field-error', role: 'status', 'aria-live': 'polite' });
  const timeout = h('input', { type: 'number', min: '1', max: '604800', value: '1800' });
  const submit = h('button', { type: 'submit' }, 'Create plugin');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Create plugin' },
    h('h2', {}, 'Create a plugin'),
    field('Name', name),
    field('Type', type),
    field('Description', desc),
    field('Default Config JSON', cfg, cfgErr),
    field('Answer timeout (seconds)', timeout),
    h('div', { class: 'row' }, submit),
  );
  bindConfigField(cfg, cfgErr, (ok) => (submit.disabled = !ok));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const p = await api('POST', '/api/plugins', {
        name: name.value.trim(),
        type: type.value,
        description: desc.value,
        defaultConfig: cfg.value,
        timeoutSeconds: Number(timeout.value),
      });
      flash(`Plugin "${p.name}" created`, 'info');
      location.hash = `#/plugins/${p.id}`;
    } catch (e) {
      flash(errorText(e));
    }
  });
  return form;
}

export async function pluginsPage() {
  const list = h('tbody');
  showPage(
    h('h1', {}, 'Plugins'),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card', 'aria-label': 'Plugin list' },
        h('h2', {}, 'Your plugins'),
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Online')),
          ),
          list,
        ),
      ),
      createForm(),
    ),
  );
  every(3000, async () => {
    try {
      const { plugins } = await api('GET', '/api/plugins');
      list.replaceChildren(
        ...(plugins.length
          ? plugins.map((p) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: `#/plugins/${p.id}` }, p.name)),
                h('td', {}, p.type),
                h('td', {}, `${p.onlineInstances} online`),
              ),
            )
          : [h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No plugins yet.'))]),
      );
    } catch (e) {
      flash(errorText(e));
    }
  });
}
