// A page's timers: intervals and pollers that the router drops when the route changes. While
// the live connection is up (live.js) pollers run only every 30 s, as a safety net.
import { store } from './store.js';

export const POLL_MS = 2000;
export const LIVE_POLL_MS = 30000;

// Runs fn now and every ms until the page changes.
export function every(ms, fn) {
  fn();
  store.page.timers.push(setInterval(fn, ms));
}

// Runs fn now and every 2 s, or every 30 s while live; live.js runs it again on (re)connect.
export function poller(fn) {
  const p = { fn, last: Date.now() };
  store.page.pollers.push(p);
  fn();
  store.page.timers.push(
    setInterval(() => {
      if (store.live.on && Date.now() - p.last < LIVE_POLL_MS) return;
      p.last = Date.now();
      fn();
    }, POLL_MS),
  );
}

// Catch up on whatever happened while not connected.
export function runPollersNow() {
  for (const p of store.page.pollers) {
    p.last = Date.now();
    p.fn();
  }
}

export function onRunEvent(fn) {
  store.page.runListener = fn;
}

export function dispatchRunEvent(run) {
  if (store.page.runListener) store.page.runListener(run);
}

export function clearPageTimers() {
  store.page.timers.forEach(clearInterval);
  store.page.timers = [];
  store.page.pollers = [];
  store.page.runListener = null;
}
