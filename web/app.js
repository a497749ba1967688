// xport hub web UI, the composition root: hash routes (router.js), one page module each
// (pages/), live updates (live.js) and notifications; all mutable state is in store.js. Plain
// ES modules, no build step.
import { api, getKey, setKey } from './api.js';
import { flash, errorText } from './flash.js';
import { connectLive, disconnectLive } from './live.js';
import { bindNotificationControls, startNotificationPolling } from './notifications.js';
import { clearPageTimers } from './page-timers.js';
import { loginPage } from './pages/login.js';
import { route } from './router.js';
import { onLogoutRequested, onStartRequested } from './session-events.js';
import { store } from './store.js';

function logout() {
  setKey('');
  store.me = null;
  clearPageTimers();
  disconnectLive();
  location.hash = '#/';
  loginPage();
}

// Who is logged in, and the Plugins link only for those who may use plugins (org admins and
// project managers: the hub answers 403 to anyone else). Without /api/me it stays.
function showTopBar(me) {
  document.getElementById('topbar').hidden = false;
  document.getElementById('whoami').textContent = me ? `${me.name} (${me.role})` : '';
  document.querySelector('[data-nav="plugins"]').hidden = Boolean(me && !me.canUsePlugins);
}

// After a log-in or on load with a key: the top bar, notifications, live updates, the page.
async function start() {
  if (!store.me) {
    try {
      store.me = await api('GET', '/api/me');
    } catch (e) {
      if (e.status === 401) {
        setKey('');
        return loginPage();
      }
      flash(errorText(e));
    }
  }
  showTopBar(store.me);
  startNotificationPolling();
  connectLive();
  route();
}

bindNotificationControls();
document.getElementById('logout').addEventListener('click', () => logout());
onStartRequested(() => start());
onLogoutRequested(() => logout());
window.addEventListener('hashchange', () => {
  if (getKey()) route();
});
if (getKey()) start();
else loginPage();
