// Notifications: the bell, its badge and panel. They are pushed on /ui (live.js calls
// addNotif) and polled (pollNotifs); each item records how it first reached the page.
import { api, getKey } from './api.js';
import { h, fmtTime } from './dom.js';
import { flash, errorText } from './flash.js';
import { LIVE_POLL_MS, POLL_MS } from './page-timers.js';
import { requestLogout } from './session-events.js';
import { store } from './store.js';

const KEEP = 30;
const byId = (id) => document.getElementById(id);

function renderNotif(n) {
  const failed = n.kind === 'run_failed';
  const action =
    n.kind === 'run_succeeded' && n.link
      ? h('a', { href: n.url || n.link, download: '', class: 'download' }, 'Download')
      : n.kind === 'run_failed' && n.session
        ? h('a', { href: `#/runs/${n.session}` }, 'Show run')
        : null;
  const markRead = !n.read
    ? h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: async () => {
            try {
              await api('POST', `/api/notifications/${n.id}/read`);
              pollNotifs();
            } catch (e) {
              flash(errorText(e));
            }
          },
        },
        'Mark read',
      )
    : null;
  return h(
    'li',
    {
      class: n.read ? '' : 'unread',
      'data-id': n.id,
      'data-source': store.notifications.source.get(n.id) || 'poll',
    },
    h('div', { class: failed ? 'failed' : '' }, n.text),
    h('div', { class: 'row small muted' }, fmtTime(n.createdAt), action, markRead),
  );
}

function showNotifs() {
  const state = store.notifications;
  byId('notif-list').replaceChildren(
    ...(state.list.length
      ? state.list.map(renderNotif)
      : [h('li', { class: 'muted' }, 'No notifications yet.')]),
  );
  const unread = state.list.filter((n) => !n.read).length;
  const badge = byId('bell-count');
  badge.textContent = String(unread);
  badge.hidden = unread === 0;
  byId('bell').setAttribute('aria-label', `Notifications (${unread} unread)`);
  // A new one while the page is open: open the panel so it is seen.
  let fresh = false;
  for (const n of state.list) {
    if (!state.seen.has(n.id)) {
      if (state.started && !n.read) fresh = true;
      state.seen.add(n.id);
    }
  }
  state.started = true;
  if (fresh) showPanel(true);
}

// The newest KEEP, newest first, with a pushed one in its place.
export function withPushed(list, n) {
  return [n, ...list.filter((x) => x.id !== n.id)].sort((a, b) => b.id - a.id).slice(0, KEEP);
}

// A polled list, keeping what was pushed while that request was under way.
export function withPolled(list, polled) {
  const newest = polled.reduce((m, n) => Math.max(m, n.id), 0);
  return [...list.filter((n) => n.id > newest), ...polled].slice(0, KEEP);
}

export function addNotif(n, source) {
  const state = store.notifications;
  if (!state.source.has(n.id)) state.source.set(n.id, source);
  state.list = withPushed(state.list, n);
  showNotifs();
}

export async function pollNotifs() {
  if (!getKey()) return;
  try {
    const { notifications } = await api('GET', `/api/notifications?limit=${KEEP}`);
    const state = store.notifications;
    for (const n of notifications) if (!state.source.has(n.id)) state.source.set(n.id, 'poll');
    state.list = withPolled(state.list, notifications);
    showNotifs();
  } catch (e) {
    if (e.status === 401) requestLogout();
  }
}

// Polls every 2 s (every 30 s while live), once per page load, and now.
export function startNotificationPolling() {
  const state = store.notifications;
  if (!state.timer) {
    state.timer = setInterval(() => {
      if (store.live.on && Date.now() - state.last < LIVE_POLL_MS) return;
      state.last = Date.now();
      pollNotifs();
    }, POLL_MS);
  }
  state.last = Date.now();
  pollNotifs();
}

export function showPanel(open) {
  byId('notif-panel').hidden = !open;
  byId('bell').setAttribute('aria-expanded', String(open));
}

// The bell opens and closes the panel; Escape or a click elsewhere closes it.
export function bindNotificationControls() {
  byId('bell').addEventListener('click', () => showPanel(byId('notif-panel').hidden));
  byId('close-notifs').addEventListener('click', () => showPanel(false));
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') showPanel(false);
  });
  document.addEventListener('click', (ev) => {
    if (!ev.target.closest('#notif-panel, #bell')) showPanel(false);
  });
  byId('read-all').addEventListener('click', async () => {
    try {
      await api('POST', '/api/notifications/read-all');
      pollNotifs();
    } catch (e) {
      flash(errorText(e));
    }
  });
}
