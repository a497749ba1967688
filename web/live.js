// Live updates: the Socket.IO namespace /ui, with polling as the fallback. The hub pushes
// `notification` and `run` events there. The browser client is npm's socket.io-client,
// copied into vendor/ by scripts/install-npm-peers.sh (web-tools/package.json); when it is
// missing or the connection is down, everything polls every 2 s (page-timers.js), and while
// live every 30 s only, as a safety net.
import { getKey } from './api.js';
import { addNotif, pollNotifs } from './notifications.js';
import { POLL_MS, dispatchRunEvent, runPollersNow } from './page-timers.js';
import { store } from './store.js';

function setLive(on, why = '') {
  store.live.on = on;
  const el = document.getElementById('live-status');
  el.textContent = on ? 'live' : 'polling';
  el.dataset.mode = on ? 'live' : 'polling';
  el.title = on
    ? 'Notifications and runs are pushed by the hub'
    : `Polling every ${POLL_MS / 1000} s${why ? ` (${why})` : ''}`;
}

export async function connectLive() {
  if (store.live.socket) return;
  let io;
  try {
    ({ io } = await import('./vendor/socket.io.esm.min.js'));
  } catch {
    setLive(false, 'no Socket.IO client: run scripts/install-npm-peers.sh web-tools');
    return;
  }
  if (store.live.socket || !getKey()) return;
  const socket = io('/ui', { auth: { apikey: getKey() } });
  store.live.socket = socket;
  socket.on('connect', () => {
    setLive(true);
    // Catch up on whatever happened while not connected.
    pollNotifs();
    runPollersNow();
  });
  socket.on('disconnect', () => setLive(false, 'disconnected; reconnecting'));
  // Refused (a bad key) or unreachable: the client retries unless the hub refused.
  socket.on('connect_error', (e) => setLive(false, e.message));
  socket.on('notification', (n) => addNotif(n, 'push'));
  socket.on('run', (r) => dispatchRunEvent(r));
}

export function disconnectLive() {
  if (store.live.socket) store.live.socket.disconnect();
  store.live.socket = null;
  setLive(false);
}
