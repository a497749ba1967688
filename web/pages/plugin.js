// #/plugins/ID: a plugin's details, its settings (answer timeout, runs per instance), and the
// Development box (ID, secret, online instances polled every 2 s, the command that runs it).
import { api } from '../api.js';
import { h, fmtTime, copyText, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { every } from '../page-timers.js';

const kv = (...pairs) => h('div', { class: 'kv' }, ...pairs);
const key = (text) => h('span', { class: 'muted' }, text);

// A number setting of the plugin with its Save button: PATCH {field: n}, then `told(plugin)`.
function numberSetting(id, { field, label, value, min, max, unit, told }) {
  const input = h('input', {
    type: 'number',
    min: String(min),
    max: String(max),
    value: String(value),
    'aria-label': label,
    style: 'width:8rem',
  });
  const save = h('button', { type: 'button', class: 'secondary' }, 'Save');
  save.addEventListener('click', async () => {
    try {
      const q = await api('PATCH', `/api/plugins/${id}`, { [field]: Number(input.value) });
      flash(told(q), 'info');
    } catch (e) {
      flash(errorText(e));
    }
  });
  return h('span', { class: 'row' }, input, h('span', { class: 'small muted' }, unit), save);
}

function detailsCard(p, id) {
  // A run its plugin never answers ends after this long (old SDKs never answer a failure).
  const timeout = numberSetting(id, {
    field: 'timeoutSeconds',
    label: 'Answer timeout (seconds)',
    value: p.timeoutSeconds ?? 1800,
    min: 1,
    max: 604800,
    unit: 's',
    told: (q) => `Runs of ${q.name} now time out after ${q.timeoutSeconds} s without an answer`,
  });
  // Back-pressure: the runs beyond it wait queued on the hub, their timeout not yet running.
  const perInstance = numberSetting(id, {
    field: 'instanceConcurrency',
    label: 'Runs per instance (0: no limit)',
    value: p.instanceConcurrency ?? 0,
    min: 0,
    max: 10000,
    unit: 'at a time (0: no limit)',
    told: (q) =>
      q.instanceConcurrency
        ? `Each instance of ${q.name} now takes at most ${q.instanceConcurrency} run(s) at a time`
        : `Instances of ${q.name} now take every run they are sent`,
  });
  const del = h('button', { type: 'button', class: 'secondary' }, 'Delete plugin');
  del.addEventListener('click', async () => {
    if (!confirm(`Delete plugin "${p.name}" and its runs?`)) return;
    try {
      await api('DELETE', `/api/plugins/${id}`);
      location.hash = '#/plugins';
    } catch (e) {
      flash(errorText(e));
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-label': 'Plugin details' },
    h('h2', {}, 'Details'),
    kv(
      key('Type'),
      h('span', {}, p.type),
      key('Description'),
      h('span', {}, p.description || '—'),
      key('Connector'),
      h('span', {}, p.connector === 'rest' ? `REST ${p.restUrl}` : 'Socket.IO'),
      key('Answer timeout'),
      timeout,
      key('Runs per instance'),
      perInstance,
      key('Created'),
      h('span', {}, fmtTime(p.createdAt)),
    ),
    h('h3', { style: 'margin-top:.8rem' }, 'Default Config JSON'),
    h('pre', { class: 'logs' }, p.defaultConfig || '{}'),
    h('div', { class: 'row' }, del),
  );
}

function developmentCard(p, id, online) {
  const secretCode = h(
    'code',
    { class: 'secret', 'aria-label': 'Plugin secret' },
    p.secret || '(only shown to admins)',
  );
  const idCode = h('code', { class: 'id', 'aria-label': 'Plugin ID' }, p.id);
  const copyId = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': 'Copy plugin ID' },
    'Copy',
  );
  copyId.addEventListener('click', () => copyText(p.id, copyId));
  const copySecret = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': 'Copy secret' },
    'Copy',
  );
  copySecret.addEventListener('click', () => copyText(secretCode.textContent, copySecret));
  const regen = h('button', { type: 'button', class: 'secondary' }, 'Regenerate secret');
  regen.addEventListener('click', async () => {
    if (!confirm('Regenerate the secret? Connected instances are disconnected.')) return;
    try {
      const r = await api('POST', `/api/plugins/${id}/secret`);
      secretCode.textContent = r.secret;
      flash('New secret generated', 'info');
    } catch (e) {
      flash(errorText(e));
    }
  });
  const cmd = h(
    'code',
    { class: 'id' },
    `xport plugin --host ${location.origin} --id ${p.id} --secret ${p.secret || 'SECRET'}`,
  );
  return h(
    'section',
    { class: 'card', role: 'region', 'aria-label': 'Development' },
    h('h2', {}, 'Development'),
    kv(
      key('ID'),
      h('span', { class: 'row' }, idCode, copyId),
      key('Secret'),
      h('span', { class: 'row' }, secretCode, copySecret),
      key('Instances'),
      online,
    ),
    h('p', { class: 'small muted' }, 'Run your plugin with:'),
    h('p', { class: 'small' }, cmd),
    h('div', { class: 'row' }, regen),
  );
}

export async function pluginPage(id) {
  let p;
  try {
    p = await api('GET', `/api/plugins/${id}`);
  } catch (e) {
    flash(errorText(e));
    showPage(h('p', {}, h('a', { href: '#/plugins' }, '← Plugins')));
    return;
  }
  const online = h('span', { 'data-testid': 'online-count' });
  showPage(
    h('p', {}, h('a', { href: '#/plugins' }, '← Plugins')),
    h('h1', {}, p.name),
    h('div', { class: 'grid' }, detailsCard(p, id), developmentCard(p, id, online)),
  );
  every(2000, async () => {
    try {
      const q = await api('GET', `/api/plugins/${id}`);
      online.textContent = `${q.onlineInstances} online`;
      online.className = q.onlineInstances > 0 ? 'online' : 'offline';
    } catch (e) {
      flash(errorText(e));
    }
  });
}
