// A project's last 20 runs: fetched by a poller, and updated by `run` events while live (a
// state change, or a log line appended to an open log box).
import { api } from '../api.js';
import { h, fmtTime, fmtDuration } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { clearPageTimers, onRunEvent, poller } from '../page-timers.js';
import { store } from '../store.js';

const KEEP = 20;

// A run's states only move forward: queued → dispatched → one of the finished states.
export const stateRank = (state) => (state === 'queued' ? 0 : state === 'dispatched' ? 1 : 2);

// The run a `run` event shows. Events of one run may cross on the way (two hub threads):
// never show a state go back.
export function shownRun(old, event) {
  return old && stateRank(event.state) < stateRank(old.state) ? { ...old, log: event.log } : event;
}

// The newest KEEP runs, newest first, with this one in its place.
export function withRun(runs, run) {
  return [run, ...runs.filter((x) => x.session !== run.session)]
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, KEEP);
}

// The run names its plugin (null once the plugin is deleted): no GET /api/plugins, which the
// hub refuses to members who are not managers while they may still see the project's runs.
const pluginLabel = (r) => r.pluginName || r.pluginId.slice(0, 8);

export const logLine = (l) => `${new Date(l.at).toLocaleTimeString()} ${l.level} ${l.msg}`;

export async function downloadRun(session) {
  try {
    const { url } = await api('GET', `/api/runs/${session}/download`);
    location.href = url;
  } catch (e) {
    flash(errorText(e));
  }
}

// POST /api/runs/{session}/cancel; the hub refuses it (403, shown) to anyone but the run's
// user, an admin or a manager. The change arrives as a `run` event or by the poller.
export async function cancelRun(session) {
  try {
    await api('POST', `/api/runs/${session}/cancel`);
  } catch (e) {
    flash(errorText(e));
  }
}

// A run's state as the history and the run page show it.
export const stateBadge = (r) =>
  h(
    'span',
    { class: `state state-${r.state}`, 'data-testid': 'run-state' },
    r.state.replace('_', ' '),
  );

function actions(r, logBtn) {
  const succeeded =
    r.state === 'succeeded'
      ? h(
          'a',
          {
            href: `/api/runs/${r.session}/download`,
            onclick: (ev) => {
              ev.preventDefault();
              downloadRun(r.session);
            },
          },
          'Download',
        )
      : null;
  const cancel =
    r.state === 'queued' || r.state === 'dispatched'
      ? h(
          'button',
          { type: 'button', class: 'link', onclick: () => cancelRun(r.session) },
          'Cancel',
        )
      : null;
  return h('div', { class: 'row' }, logBtn, succeeded, cancel);
}

// One history: its DOM, and the state of this rendering (closures, not module state: a new
// history replaces it when the page or its log boxes change). Over 80 lines because the
// poller, the `run` event handler and render share that state; apart they would pass it around.
// eslint-disable-next-line max-lines-per-function
export function runHistory(projectId, container) {
  const body = h('tbody');
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', {}, 'Started'),
      h('th', {}, 'Plugin'),
      h('th', {}, 'State'),
      h('th', {}, 'Duration'),
      h('th', {}, ''),
    ),
  );
  container.replaceChildren(
    h('h2', {}, 'Run history'),
    h('table', { 'aria-label': 'Run history' }, head, body),
  );
  const openLogs = store.openLogs;
  const logBoxes = new Map(); // session → {pre, seq: the last line shown}
  const stateSource = new Map(); // session → {state, source: how that state first arrived}
  const noteState = (r, source) => {
    const known = stateSource.get(r.session);
    if (!known || known.state !== r.state) stateSource.set(r.session, { state: r.state, source });
  };
  let runs = [];
  const loadLogs = (session, box) => {
    api('GET', `/api/runs/${session}/logs?limit=500`)
      .then(({ logs }) => {
        box.pre.textContent = logs.length ? logs.map(logLine).join('\n') : '(no log lines yet)';
        box.seq = logs.reduce((m, l) => Math.max(m, l.seq), 0);
      })
      .catch((e) => (box.pre.textContent = errorText(e)));
  };
  const row = (r) => {
    const open = openLogs.has(r.session);
    const logBtn = h(
      'button',
      { type: 'button', class: 'link', 'aria-expanded': String(open) },
      open ? 'Hide logs' : 'Logs',
    );
    logBtn.addEventListener('click', () => {
      if (openLogs.has(r.session)) openLogs.delete(r.session);
      else openLogs.add(r.session);
      body.dispatchEvent(new Event('refresh'));
    });
    return h(
      'tr',
      { 'data-session': r.session, 'data-source': stateSource.get(r.session)?.source || 'poll' },
      h(
        'td',
        {},
        h(
          'a',
          { href: `#/runs/${r.session}`, title: 'Progress, log and report' },
          fmtTime(r.createdAt),
        ),
      ),
      h('td', {}, pluginLabel(r)),
      h(
        'td',
        {},
        stateBadge(r),
        r.state === 'dispatched' && r.progress?.fraction != null
          ? h('span', { class: 'small muted' }, ` ${Math.floor(r.progress.fraction * 100)}%`)
          : null,
        r.message ? h('div', { class: 'small error' }, r.message) : null,
      ),
      h('td', {}, fmtDuration(r.durationMs)),
      h('td', {}, actions(r, logBtn)),
    );
  };
  const render = (fetchLogs) => {
    const rows = [];
    for (const r of runs) {
      rows.push(row(r));
      if (openLogs.has(r.session)) {
        let box = logBoxes.get(r.session);
        const fresh = !box;
        if (fresh) {
          box = { pre: h('pre', { class: 'logs', 'aria-label': 'Run logs' }, 'Loading…'), seq: 0 };
          logBoxes.set(r.session, box);
        }
        rows.push(h('tr', {}, h('td', { colspan: 5 }, box.pre)));
        if (fresh || fetchLogs) loadLogs(r.session, box);
      }
    }
    body.replaceChildren(
      ...(rows.length
        ? rows
        : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No runs yet.'))]),
    );
  };
  poller(async () => {
    try {
      ({ runs } = await api('GET', `/api/runs?project=${projectId}&limit=${KEEP}`));
      runs.forEach((r) => noteState(r, 'poll'));
      render(true);
    } catch (e) {
      flash(errorText(e));
    }
  });
  onRunEvent((event) => {
    if (event.projectId !== projectId) return;
    const old = runs.find((x) => x.session === event.session);
    const r = shownRun(old, event);
    if (r.log) {
      const box = logBoxes.get(r.session);
      if (box && openLogs.has(r.session) && r.log.seq > box.seq) {
        box.pre.textContent = (box.seq ? box.pre.textContent + '\n' : '') + logLine(r.log);
        box.seq = r.log.seq;
      }
      if (old && old.state === r.state) return; // nothing else changed
    }
    noteState(r, 'push');
    runs = withRun(runs, r);
    render(false);
  });
  body.addEventListener('refresh', () => {
    clearPageTimers();
    runHistory(projectId, container);
  });
}
