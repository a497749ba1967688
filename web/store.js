// The web UI's one store: every piece of mutable state that outlives a function call lives
// here, and other modules read and write it only through `store`. They keep none of their own
// at module level (eslint.config.js refuses top-level `let`/`var` and top-level collections
// anywhere but this file), so what the UI remembers can be read in one place.
export const store = {
  // GET /api/me of the logged-in API key (the key itself is in localStorage: api.js).
  me: null,
  // The current page's intervals, its pollers ({fn, last}) and its handler of `run` events:
  // all dropped when the route changes (page-timers.js).
  page: { timers: [], pollers: [], runListener: null },
  // The Socket.IO connection to /ui and whether it is up (live.js).
  live: { socket: null, on: false },
  notifications: {
    list: [], // the newest 30, newest first
    seen: new Set(), // ids already shown: a new unread one opens the panel
    source: new Map(), // id → 'push' | 'poll': how it first reached this page
    started: false, // the first list was shown (its unread ones do not open the panel)
    timer: null, // the poll interval, started once per page load
    last: 0, // when it last polled (while live it polls every 30 s only)
  },
  // Run sessions whose log box is open, across pages and re-renders (run-history.js).
  openLogs: new Set(),
  // The last id handed out by dom.js newId().
  lastFieldId: 0,
};
