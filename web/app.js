// xport hub web UI: hash routes, one module, no build step.
import { api, getKey, setKey } from './api.js';
import { h, field, fmtTime, fmtDuration, copyText } from './dom.js';
import { bindConfigField } from './json-check.js';

const main = document.getElementById('main');
const flashEl = document.getElementById('flash');
let pageTimers = [];
let me = null;

function every(ms, fn) { fn(); pageTimers.push(setInterval(fn, ms)); }
function clearTimers() { pageTimers.forEach(clearInterval); pageTimers = []; pagePollers = []; runListener = null; }

// ---------- live updates (Socket.IO namespace /ui) with polling as the fallback ----------
// The hub pushes `notification` and `run` events to /ui. The browser client is npm's
// socket.io-client (web/package.json, scripts/install-npm-peers.sh), served from
// node_modules; when it is missing or the connection is down, everything polls every 2 s.
// While live, polls run every 30 s only, as a safety net.
const POLL_MS = 2000;
const LIVE_POLL_MS = 30000;
let liveSocket = null;
let live = false;
let pagePollers = []; // this page's {fn, last}
let runListener = null; // this page's handler of `run` events
function poller(fn) {
  const p = { fn, last: Date.now() };
  pagePollers.push(p);
  fn();
  pageTimers.push(setInterval(() => {
    if (live && Date.now() - p.last < LIVE_POLL_MS) return;
    p.last = Date.now();
    fn();
  }, POLL_MS));
}
function setLive(on, why = '') {
  live = on;
  const el = document.getElementById('live-status');
  el.textContent = on ? 'live' : 'polling';
  el.dataset.mode = on ? 'live' : 'polling';
  el.title = on ? 'Notifications and runs are pushed by the hub' : `Polling every ${POLL_MS / 1000} s${why ? ` (${why})` : ''}`;
}
async function connectLive() {
  if (liveSocket) return;
  let io;
  try {
    ({ io } = await import('./node_modules/socket.io-client/dist/socket.io.esm.min.js'));
  } catch {
    setLive(false, 'no Socket.IO client: run scripts/install-npm-peers.sh web');
    return;
  }
  if (liveSocket || !getKey()) return;
  const socket = io('/ui', { auth: { apikey: getKey() } });
  liveSocket = socket;
  socket.on('connect', () => {
    setLive(true);
    // Catch up on whatever happened while not connected.
    pollNotifs();
    for (const p of pagePollers) { p.last = Date.now(); p.fn(); }
  });
  socket.on('disconnect', () => setLive(false, 'disconnected; reconnecting'));
  // Refused (a bad key) or unreachable: the client retries unless the hub refused.
  socket.on('connect_error', (e) => setLive(false, e.message));
  socket.on('notification', (n) => addNotif(n, 'push'));
  socket.on('run', (r) => { if (runListener) runListener(r); });
}
function disconnectLive() {
  if (liveSocket) liveSocket.disconnect();
  liveSocket = null;
  setLive(false);
}

export function flash(msg, kind = 'error') {
  flashEl.textContent = msg;
  flashEl.className = 'flash' + (kind === 'info' ? ' info' : '');
  flashEl.hidden = !msg;
  if (kind === 'info') setTimeout(() => { if (flashEl.textContent === msg) flashEl.hidden = true; }, 4000);
}
const errorText = (e) => (e && e.message) || String(e);

// ---------- login ----------
function loginPage() {
  document.getElementById('topbar').hidden = true;
  const input = h('input', { type: 'password', autocomplete: 'off', required: true });
  const err = h('p', { class: 'field-error', role: 'alert' });
  const form = h('form', { class: 'card login', 'aria-label': 'Log in' },
    h('h1', {}, 'xport hub'),
    h('p', { class: 'muted' }, 'Log in with your API key (the first start of the hub prints the admin key and writes it to DATA_DIR/admin-api-key).'),
    field('API key', input), err,
    h('button', { type: 'submit' }, 'Log in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setKey(input.value.trim());
    try {
      me = await api('GET', '/api/me');
      start();
    } catch (e) {
      setKey('');
      err.textContent = e.status === 401 ? 'That API key is not valid.' : errorText(e);
    }
  });
  main.replaceChildren(form);
  input.focus();
}

// ---------- notifications (pushed on /ui, else polled) ----------
const seenNotifs = new Set();
const notifSource = new Map(); // id → 'push' | 'poll': how it first reached this page
let notifs = [];
let notifStarted = false;
function renderNotif(n) {
  const failed = n.kind === 'run_failed';
  const li = h('li', { class: n.read ? '' : 'unread', 'data-id': n.id, 'data-source': notifSource.get(n.id) || 'poll' },
    h('div', { class: failed ? 'failed' : '' }, n.text),
    h('div', { class: 'row small muted' }, fmtTime(n.createdAt),
      n.kind === 'run_succeeded' && n.link
        ? h('a', { href: n.url || n.link, download: '', class: 'download' }, 'Download')
        : n.kind === 'run_failed' && n.session ? h('a', { href: `#/runs/${n.session}` }, 'Show run') : null,
      !n.read ? h('button', { type: 'button', class: 'link', onclick: async () => {
        try { await api('POST', `/api/notifications/${n.id}/read`); pollNotifs(); } catch (e) { flash(errorText(e)); }
      } }, 'Mark read') : null));
  return li;
}
function showNotifs() {
  const list = document.getElementById('notif-list');
  list.replaceChildren(...(notifs.length ? notifs.map(renderNotif)
    : [h('li', { class: 'muted' }, 'No notifications yet.')]));
  const unread = notifs.filter((n) => !n.read).length;
  const badge = document.getElementById('bell-count');
  badge.textContent = String(unread);
  badge.hidden = unread === 0;
  document.getElementById('bell').setAttribute('aria-label', `Notifications (${unread} unread)`);
  // A new one while the page is open: open the panel so it is seen.
  let fresh = false;
  for (const n of notifs) { if (!seenNotifs.has(n.id)) { if (notifStarted && !n.read) fresh = true; seenNotifs.add(n.id); } }
  notifStarted = true;
  if (fresh) showPanel(true);
}
function addNotif(n, source) {
  if (!notifSource.has(n.id)) notifSource.set(n.id, source);
  notifs = [n, ...notifs.filter((x) => x.id !== n.id)].sort((a, b) => b.id - a.id).slice(0, 30);
  showNotifs();
}
async function pollNotifs() {
  if (!getKey()) return;
  try {
    const { notifications } = await api('GET', '/api/notifications?limit=30');
    for (const n of notifications) if (!notifSource.has(n.id)) notifSource.set(n.id, 'poll');
    // Keep what was pushed while this request was under way.
    const newest = notifications.reduce((m, n) => Math.max(m, n.id), 0);
    notifs = [...notifs.filter((n) => n.id > newest), ...notifications].slice(0, 30);
    showNotifs();
  } catch (e) {
    if (e.status === 401) logout();
  }
}
function showPanel(open) {
  document.getElementById('notif-panel').hidden = !open;
  document.getElementById('bell').setAttribute('aria-expanded', String(open));
}
document.getElementById('bell').addEventListener('click', () => showPanel(document.getElementById('notif-panel').hidden));
document.getElementById('close-notifs').addEventListener('click', () => showPanel(false));
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') showPanel(false); });
document.addEventListener('click', (ev) => {
  if (!ev.target.closest('#notif-panel, #bell')) showPanel(false);
});
document.getElementById('read-all').addEventListener('click', async () => {
  try { await api('POST', '/api/notifications/read-all'); pollNotifs(); } catch (e) { flash(errorText(e)); }
});
document.getElementById('logout').addEventListener('click', () => logout());
function logout() { setKey(''); me = null; clearTimers(); disconnectLive(); location.hash = '#/'; loginPage(); }

// ---------- plugins ----------
async function pluginsPage() {
  const list = h('tbody');
  const name = h('input', { type: 'text', required: true });
  const desc = h('input', { type: 'text' });
  const type = h('select', {}, h('option', { value: 'Export' }, 'Export'));
  const cfg = h('textarea', { rows: 6, spellcheck: 'false' }, '{}');
  const cfgErr = h('div', { class: 'field-error', role: 'status', 'aria-live': 'polite' });
  const timeout = h('input', { type: 'number', min: '1', max: '604800', value: '1800' });
  const submit = h('button', { type: 'submit' }, 'Create plugin');
  const form = h('form', { class: 'card', 'aria-label': 'Create plugin' },
    h('h2', {}, 'Create a plugin'),
    field('Name', name), field('Type', type), field('Description', desc),
    field('Default Config JSON', cfg, cfgErr), field('Answer timeout (seconds)', timeout), h('div', { class: 'row' }, submit));
  bindConfigField(cfg, cfgErr, (ok) => (submit.disabled = !ok));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const p = await api('POST', '/api/plugins', { name: name.value.trim(), type: type.value, description: desc.value, defaultConfig: cfg.value, timeoutSeconds: Number(timeout.value) });
      flash(`Plugin "${p.name}" created`, 'info');
      location.hash = `#/plugins/${p.id}`;
    } catch (e) { flash(errorText(e)); }
  });
  main.replaceChildren(h('h1', {}, 'Plugins'), h('div', { class: 'grid' },
    h('section', { class: 'card', 'aria-label': 'Plugin list' }, h('h2', {}, 'Your plugins'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Online'))), list)),
    form));
  every(3000, async () => {
    try {
      const { plugins } = await api('GET', '/api/plugins');
      list.replaceChildren(...(plugins.length ? plugins.map((p) => h('tr', {},
        h('td', {}, h('a', { href: `#/plugins/${p.id}` }, p.name)), h('td', {}, p.type),
        h('td', {}, `${p.onlineInstances} online`)))
        : [h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No plugins yet.'))]));
    } catch (e) { flash(errorText(e)); }
  });
}

async function pluginPage(id) {
  let p;
  try { p = await api('GET', `/api/plugins/${id}`); } catch (e) { flash(errorText(e)); main.replaceChildren(h('p', {}, h('a', { href: '#/plugins' }, '← Plugins'))); return; }
  const online = h('span', { 'data-testid': 'online-count' });
  const secretCode = h('code', { class: 'secret', 'aria-label': 'Plugin secret' }, p.secret || '(only shown to admins)');
  const idCode = h('code', { class: 'id', 'aria-label': 'Plugin ID' }, p.id);
  const copyId = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Copy plugin ID' }, 'Copy');
  copyId.addEventListener('click', () => copyText(p.id, copyId));
  const copySecret = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Copy secret' }, 'Copy');
  copySecret.addEventListener('click', () => copyText(secretCode.textContent, copySecret));
  const regen = h('button', { type: 'button', class: 'secondary' }, 'Regenerate secret');
  regen.addEventListener('click', async () => {
    if (!confirm('Regenerate the secret? Connected instances are disconnected.')) return;
    try { const r = await api('POST', `/api/plugins/${id}/secret`); secretCode.textContent = r.secret; flash('New secret generated', 'info'); } catch (e) { flash(errorText(e)); }
  });
  const del = h('button', { type: 'button', class: 'secondary' }, 'Delete plugin');
  del.addEventListener('click', async () => {
    if (!confirm(`Delete plugin "${p.name}" and its runs?`)) return;
    try { await api('DELETE', `/api/plugins/${id}`); location.hash = '#/plugins'; } catch (e) { flash(errorText(e)); }
  });
  const cmd = h('code', { class: 'id' }, `xport plugin --host ${location.origin} --id ${p.id} --secret ${p.secret || 'SECRET'}`);
  // A run its plugin never answers ends after this long (old SDKs never answer a failure).
  const timeout = h('input', { type: 'number', min: '1', max: '604800', value: String(p.timeoutSeconds ?? 1800), 'aria-label': 'Answer timeout (seconds)', style: 'width:8rem' });
  const saveTimeout = h('button', { type: 'button', class: 'secondary' }, 'Save');
  saveTimeout.addEventListener('click', async () => {
    try {
      const q = await api('PATCH', `/api/plugins/${id}`, { timeoutSeconds: Number(timeout.value) });
      flash(`Runs of ${q.name} now time out after ${q.timeoutSeconds} s without an answer`, 'info');
    } catch (e) { flash(errorText(e)); }
  });
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/plugins' }, '← Plugins')),
    h('h1', {}, p.name),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-label': 'Plugin details' }, h('h2', {}, 'Details'),
        h('div', { class: 'kv' }, h('span', { class: 'muted' }, 'Type'), h('span', {}, p.type),
          h('span', { class: 'muted' }, 'Description'), h('span', {}, p.description || '—'),
          h('span', { class: 'muted' }, 'Connector'), h('span', {}, p.connector === 'rest' ? `REST ${p.restUrl}` : 'Socket.IO'),
          h('span', { class: 'muted' }, 'Answer timeout'), h('span', { class: 'row' }, timeout, h('span', { class: 'small muted' }, 's'), saveTimeout),
          h('span', { class: 'muted' }, 'Created'), h('span', {}, fmtTime(p.createdAt))),
        h('h3', { style: 'margin-top:.8rem' }, 'Default Config JSON'), h('pre', { class: 'logs' }, p.defaultConfig || '{}'),
        h('div', { class: 'row' }, del)),
      h('section', { class: 'card', role: 'region', 'aria-label': 'Development' }, h('h2', {}, 'Development'),
        h('div', { class: 'kv' },
          h('span', { class: 'muted' }, 'ID'), h('span', { class: 'row' }, idCode, copyId),
          h('span', { class: 'muted' }, 'Secret'), h('span', { class: 'row' }, secretCode, copySecret),
          h('span', { class: 'muted' }, 'Instances'), online),
        h('p', { class: 'small muted' }, 'Run your plugin with:'), h('p', { class: 'small' }, cmd),
        h('div', { class: 'row' }, regen))));
  every(2000, async () => {
    try {
      const q = await api('GET', `/api/plugins/${id}`);
      online.textContent = `${q.onlineInstances} online`;
      online.className = q.onlineInstances > 0 ? 'online' : 'offline';
    } catch (e) { flash(errorText(e)); }
  });
}

// ---------- projects ----------
async function projectsPage() {
  const list = h('tbody');
  const name = h('input', { type: 'text', required: true });
  const stages = h('input', { type: 'text', placeholder: 'Label, Review, Complete' });
  const form = h('form', { class: 'card', 'aria-label': 'Create project' }, h('h2', {}, 'Create a project'),
    field('Project name', name), field('Stages (comma separated, optional)', stages), h('button', { type: 'submit' }, 'Create project'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const st = stages.value.split(',').map((s) => s.trim()).filter(Boolean);
      const p = await api('POST', '/api/projects', { name: name.value.trim(), stages: st });
      location.hash = `#/projects/${p.id}`;
    } catch (e) { flash(errorText(e)); }
  });
  main.replaceChildren(h('h1', {}, 'Projects'), h('div', { class: 'grid' },
    h('section', { class: 'card', 'aria-label': 'Project list' }, h('h2', {}, 'Projects'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Assets'), h('th', { class: 'hide-narrow' }, 'Created'))), list)),
    form));
  try {
    const { projects } = await api('GET', '/api/projects');
    list.replaceChildren(...(projects.length ? projects.map((p) => h('tr', {},
      h('td', {}, h('a', { href: `#/projects/${p.id}` }, p.name)), h('td', {}, `${p.assets} assets`),
      h('td', { class: 'hide-narrow' }, fmtTime(p.createdAt))))
      : [h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No projects yet.'))]));
  } catch (e) { flash(errorText(e)); }
}

function projectTabs(p, active) {
  const tab = (label, href, key) => h('a', { href, class: active === key ? 'active' : '', 'aria-current': active === key ? 'page' : null }, label);
  return h('nav', { class: 'tabs', 'aria-label': 'Project' },
    tab('Overview', `#/projects/${p.id}`, 'overview'),
    tab('Settings', `#/projects/${p.id}/settings/plugins`, 'settings'));
}

const openLogs = new Set();
// A run's states only move forward: queued → dispatched → one of the finished states.
const stateRank = (state) => (state === 'queued' ? 0 : state === 'dispatched' ? 1 : 2);
const logLine = (l) => `${new Date(l.at).toLocaleTimeString()} ${l.level} ${l.msg}`;
// The project's last 20 runs: fetched (poller), and updated by `run` events while live (a
// state change, or a log line appended to an open log box).
function runHistory(projectId, container) {
  const body = h('tbody');
  container.replaceChildren(h('h2', {}, 'Run history'),
    h('table', { 'aria-label': 'Run history' }, h('thead', {}, h('tr', {}, h('th', {}, 'Started'), h('th', {}, 'Plugin'), h('th', {}, 'State'), h('th', {}, 'Duration'), h('th', {}, ''))), body));
  const pluginNames = new Map();
  const logBoxes = new Map(); // session → {pre, seq: the last line shown}
  const stateSource = new Map(); // session → {state, source: how that state first arrived}
  const noteState = (r, source) => {
    const known = stateSource.get(r.session);
    if (!known || known.state !== r.state) stateSource.set(r.session, { state: r.state, source });
  };
  let runs = [];
  const loadLogs = (session, box) => {
    api('GET', `/api/runs/${session}/logs?limit=500`).then(({ logs }) => {
      box.pre.textContent = logs.length ? logs.map(logLine).join('\n') : '(no log lines yet)';
      box.seq = logs.reduce((m, l) => Math.max(m, l.seq), 0);
    }).catch((e) => (box.pre.textContent = errorText(e)));
  };
  const render = (fetchLogs) => {
    const rows = [];
    for (const r of runs) {
      const logBtn = h('button', { type: 'button', class: 'link', 'aria-expanded': String(openLogs.has(r.session)) }, openLogs.has(r.session) ? 'Hide logs' : 'Logs');
      logBtn.addEventListener('click', () => { openLogs.has(r.session) ? openLogs.delete(r.session) : openLogs.add(r.session); body.dispatchEvent(new Event('refresh')); });
      rows.push(h('tr', { 'data-session': r.session, 'data-source': stateSource.get(r.session)?.source || 'poll' },
        h('td', {}, fmtTime(r.createdAt)), h('td', {}, pluginNames.get(r.pluginId) || r.pluginId.slice(0, 8)),
        h('td', {}, h('span', { class: `state state-${r.state}`, 'data-testid': 'run-state' }, r.state.replace('_', ' ')),
          r.message ? h('div', { class: 'small error' }, r.message) : null),
        h('td', {}, fmtDuration(r.durationMs)),
        h('td', {}, h('div', { class: 'row' }, logBtn,
          r.state === 'succeeded' ? h('a', { href: `/api/runs/${r.session}/download`, onclick: (ev) => { ev.preventDefault(); download(r.session); } }, 'Download') : null,
          r.state === 'queued' || r.state === 'dispatched' ? h('button', { type: 'button', class: 'link', onclick: async () => {
            try { await api('POST', `/api/runs/${r.session}/cancel`); } catch (e) { flash(errorText(e)); }
          } }, 'Cancel') : null))));
      if (openLogs.has(r.session)) {
        let box = logBoxes.get(r.session);
        const fresh = !box;
        if (fresh) { box = { pre: h('pre', { class: 'logs', 'aria-label': 'Run logs' }, 'Loading…'), seq: 0 }; logBoxes.set(r.session, box); }
        rows.push(h('tr', {}, h('td', { colspan: 5 }, box.pre)));
        if (fresh || fetchLogs) loadLogs(r.session, box);
      }
    }
    body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No runs yet.'))]));
  };
  poller(async () => {
    try {
      if (!pluginNames.size) { const { plugins } = await api('GET', '/api/plugins'); plugins.forEach((x) => pluginNames.set(x.id, x.name)); }
      ({ runs } = await api('GET', `/api/runs?project=${projectId}&limit=20`));
      runs.forEach((r) => noteState(r, 'poll'));
      render(true);
    } catch (e) { flash(errorText(e)); }
  });
  runListener = (r) => {
    if (r.projectId !== projectId) return;
    const old = runs.find((x) => x.session === r.session);
    // Events of one run may cross on the way (two hub threads): never show a state go back.
    if (old && stateRank(r.state) < stateRank(old.state)) r = { ...old, log: r.log };
    if (r.log) {
      const box = logBoxes.get(r.session);
      if (box && openLogs.has(r.session) && r.log.seq > box.seq) {
        box.pre.textContent = (box.seq ? box.pre.textContent + '\n' : '') + logLine(r.log);
        box.seq = r.log.seq;
      }
      if (old && old.state === r.state) return; // nothing else changed
    }
    noteState(r, 'push');
    runs = [r, ...runs.filter((x) => x.session !== r.session)].sort((a, b) => b.createdAt - a.createdAt).slice(0, 20);
    render(false);
  };
  body.addEventListener('refresh', () => { clearTimers(); runHistory(projectId, container); });
}

async function download(session) {
  try { const { url } = await api('GET', `/api/runs/${session}/download`); location.href = url; } catch (e) { flash(errorText(e)); }
}

async function loadProject(id) {
  try { return await api('GET', `/api/projects/${id}`); } catch (e) {
    flash(errorText(e)); main.replaceChildren(h('p', {}, h('a', { href: '#/projects' }, '← Projects'))); return null;
  }
}

async function projectPage(id) {
  const p = await loadProject(id);
  if (!p) return;
  const file = h('input', { type: 'file', accept: '.ndjson,.json,.zip,.jsonl' });
  const replace = h('input', { type: 'checkbox', id: 'import-replace' });
  const result = h('div', { role: 'status', 'aria-live': 'polite', class: 'small' });
  const assets = h('span', {}, `${p.assets} assets`);
  const form = h('form', { class: 'card', 'aria-label': 'Import' }, h('h2', {}, 'Import an AAF export'),
    field('Export file (NDJSON, JSON or zip)', file),
    h('div', { class: 'row' }, replace, h('label', { for: 'import-replace', style: 'margin:0' }, 'Replace the existing assets')),
    h('div', { class: 'row', style: 'margin-top:.6rem' }, h('button', { type: 'submit' }, 'Import')), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) { result.className = 'small error'; result.textContent = 'Choose a file first.'; return; }
    result.className = 'small muted'; result.textContent = 'Importing…';
    try {
      const r = await api('POST', `/api/projects/${id}/import${replace.checked ? '?replace=true' : ''}`, file.files[0]);
      result.className = 'small ok';
      result.textContent = `Imported ${r.imported} assets; the project has ${r.assets}.`;
      assets.textContent = `${r.assets} assets`;
    } catch (e) { result.className = 'small error field-error'; result.textContent = errorText(e); }
  });
  const history = h('section', { class: 'card', 'aria-label': 'Runs' });
  main.replaceChildren(h('p', {}, h('a', { href: '#/projects' }, '← Projects')), h('h1', {}, p.name), projectTabs(p, 'overview'),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-label': 'Project details' }, h('h2', {}, 'Overview'),
        h('div', { class: 'kv' }, h('span', { class: 'muted' }, 'ID'), h('code', { class: 'id' }, p.id),
          h('span', { class: 'muted' }, 'Assets'), assets,
          h('span', { class: 'muted' }, 'Type'), h('span', {}, p.type || 'image'),
          h('span', { class: 'muted' }, 'Stages'), h('span', { 'data-testid': 'stages' }, p.stages.map((s) => s.name).join(' → ')),
          h('span', { class: 'muted' }, 'Batches'), h('span', { 'data-testid': 'batches' }, p.batches.length ? p.batches.map((b) => b.name).join(', ') : 'none')),
        ontologyView(p.categorySchema)),
      form),
    history);
  runHistory(id, history);
}

// The project's ontology (categorySchema): its tools, classifications and relations, nested
// classifications indented under what they belong to.
function ontologyView(schema) {
  const items = [];
  const add = (entry, kind, depth) => {
    items.push(h('li', { style: `margin-left:${depth * 1.2}rem` },
      h('strong', {}, entry.title || entry.schemaId || '?'), ' ',
      h('span', { class: 'small muted' }, `${kind}${entry.tool ? ' · ' + entry.tool : ''}${entry.options && entry.options.length ? ' · ' + entry.options.map((o) => o.value).join(', ') : ''}`)));
    for (const c of entry.classifications || []) add(c, 'classification', depth + 1);
  };
  for (const t of (schema && schema.tools) || []) add(t, 'tool', 0);
  for (const c of (schema && schema.classifications) || []) add(c, 'classification', 0);
  for (const r of (schema && schema.relations) || []) add(r, 'relation', 0);
  return h('div', { 'aria-label': 'Ontology', role: 'region' }, h('h3', { style: 'margin-top:.8rem' }, 'Ontology'),
    items.length ? h('ul', { class: 'small' }, ...items) : h('p', { class: 'small muted' }, 'None yet: it is learned from imports, or set with xport client project schema set.'));
}

async function projectSettingsPage(id) {
  const p = await loadProject(id);
  if (!p) return;
  const body = h('tbody');
  const history = h('section', { class: 'card', 'aria-label': 'Runs' });
  main.replaceChildren(h('p', {}, h('a', { href: '#/projects' }, '← Projects')), h('h1', {}, p.name), projectTabs(p, 'settings'),
    h('section', { class: 'card', 'aria-label': 'Plugins' }, h('h2', {}, 'Plugins'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Plugin'), h('th', {}, 'Type'), h('th', {}, 'Status'), h('th', {}, ''))), body)),
    history);
  runHistory(id, history);
  try {
    const { plugins } = await api('GET', '/api/plugins');
    body.replaceChildren(...(plugins.length ? plugins.map((pl) => h('tr', {},
      h('td', {}, h('strong', {}, pl.name), h('div', { class: 'small muted' }, pl.description || '')),
      h('td', {}, pl.type),
      h('td', {}, h('span', { class: pl.onlineInstances ? 'online' : 'offline' }, `${pl.onlineInstances} online`)),
      h('td', {}, h('button', { type: 'button', 'aria-label': `Open ${pl.name}`, onclick: () => openRunDialog(p, pl) }, 'Open'))))
      : [h('tr', {}, h('td', { colspan: 4 }, 'No plugins yet: ', h('a', { href: '#/plugins' }, 'create one')))]));
  } catch (e) { flash(errorText(e)); }
}

function openRunDialog(project, plugin) {
  const dlg = document.getElementById('run-dialog');
  const cfg = h('textarea', { rows: 8, spellcheck: 'false' }, plugin.defaultConfig || '{}');
  const cfgErr = h('div', { class: 'field-error', role: 'status', 'aria-live': 'polite' });
  // Stages and batches by id (the plugin event carries ids), shown by name.
  const stageInput = h('select', {}, h('option', { value: '' }, 'All stages'), ...project.stages.map((s) => h('option', { value: s.id }, s.name)));
  const batchInput = h('select', { multiple: true, size: String(Math.min(4, Math.max(1, project.batches.length))) },
    ...project.batches.map((b) => h('option', { value: b.id }, b.name)));
  const err = h('p', { class: 'field-error', role: 'alert' });
  const run = h('button', { type: 'submit' }, 'Run');
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'run-dialog-title' }, `Run ${plugin.name} on ${project.name}`),
    field('Config JSON', cfg, cfgErr), field('Stage filter', stageInput),
    project.batches.length ? field('Batch filter (optional; none selected: all)', batchInput) : null, err,
    h('div', { class: 'row', style: 'justify-content:flex-end;margin-top:.6rem' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close() }, 'Cancel'), run));
  bindConfigField(cfg, cfgErr, (ok) => (run.disabled = !ok));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    run.disabled = true;
    try {
      const body = { project: project.id, plugin: plugin.id, config: cfg.value };
      if (stageInput.value) body.stage = stageInput.value;
      const b = [...batchInput.selectedOptions].map((o) => o.value);
      if (b.length) body.batches = b;
      const r = await api('POST', '/api/runs', body);
      dlg.close();
      flash(`Run started (session ${r.session}): you will be notified when the export is ready.`, 'info');
    } catch (e) { err.textContent = errorText(e); run.disabled = false; }
  });
  dlg.replaceChildren(form);
  dlg.showModal();
}

// ---------- routing ----------
async function route() {
  clearTimers();
  flashEl.hidden = true;
  showPanel(false);
  const dlg = document.getElementById('run-dialog');
  if (dlg.open) dlg.close();
  if (!getKey()) return loginPage();
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === (parts[0] || 'projects')));
  if (parts[0] === 'plugins' && parts[1]) return pluginPage(parts[1]);
  if (parts[0] === 'plugins') return pluginsPage();
  if (parts[0] === 'projects' && parts[1] && parts[2] === 'settings') return projectSettingsPage(parts[1]);
  if (parts[0] === 'projects' && parts[1]) return projectPage(parts[1]);
  if (parts[0] === 'runs' && parts[1]) {
    try { const r = await api('GET', `/api/runs/${parts[1]}`); location.hash = `#/projects/${r.projectId}`; } catch (e) { flash(errorText(e)); }
    return;
  }
  return projectsPage();
}

let notifTimer = null;
let notifLast = 0;
async function start() {
  if (!me) {
    try { me = await api('GET', '/api/me'); } catch (e) { if (e.status === 401) { setKey(''); return loginPage(); } flash(errorText(e)); }
  }
  document.getElementById('topbar').hidden = false;
  document.getElementById('whoami').textContent = me ? `${me.name} (${me.role})` : '';
  if (!notifTimer) {
    notifTimer = setInterval(() => {
      if (live && Date.now() - notifLast < LIVE_POLL_MS) return;
      notifLast = Date.now();
      pollNotifs();
    }, POLL_MS);
  }
  notifLast = Date.now();
  pollNotifs();
  connectLive();
  route();
}

window.addEventListener('hashchange', () => { if (getKey()) route(); });
if (getKey()) start(); else loginPage();
