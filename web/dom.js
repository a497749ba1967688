// Tiny DOM helpers: h('tag', {attrs}, ...children); text is always set as text.
import { store } from './store.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const newId = (p = 'f') => `${p}-${++store.lastFieldId}`;

// The page's content: what the router's current route shows.
export function showPage(...nodes) {
  document.getElementById('main').replaceChildren(...nodes);
}

export function field(labelText, input, hint) {
  const id = input.id || (input.id = newId());
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), input, hint || null);
}

export function fmtTime(ms) {
  return ms ? new Date(ms).toLocaleString() : '';
}
export function fmtDuration(ms) {
  return ms == null ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const t = h('textarea', {}, text);
    document.body.append(t);
    t.select();
    try {
      document.execCommand('copy');
    } catch {
      /* ignore */
    }
    t.remove();
  }
  const old = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => (button.textContent = old), 1200);
}
