// Log-in and log-out are asked for by modules below app.js (the login page, the notifications
// poller on a 401) and done by app.js, which wires everything; a DOM event keeps those modules
// from importing the composition root. dispatchEvent runs the handler at once, like a call.
const STARTED = 'xport:start';
const LOGGED_OUT = 'xport:logout';

export const requestStart = () => document.dispatchEvent(new Event(STARTED));
export const requestLogout = () => document.dispatchEvent(new Event(LOGGED_OUT));
export const onStartRequested = (fn) => document.addEventListener(STARTED, fn);
export const onLogoutRequested = (fn) => document.addEventListener(LOGGED_OUT, fn);
