// A run's progress as its plugin reports it (GET /api/runs/{session}: progress {assetsDone,
// assetsTotal, bytesDone, bytesTotal, fraction, etaMs, at}): a bar with the percentage, the
// counts and an ETA. progressSummary is pure (tests/browser/web_modules.test.mjs).
import { h } from '../dom.js';

// In the unit of `scale` (the total's, so that "done of total" reads alike): kB or MB.
export function fmtBytes(bytes, scale = bytes) {
  return scale < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

export function fmtEta(ms) {
  if (ms == null) return '';
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `about ${s} s left`;
  const m = Math.round(s / 60);
  return m < 60 ? `about ${m} min left` : `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}

// The line under the bar: "42% · 1,234 of 5,000 assets · 120.5 MB of 337.0 MB · about 3 s left".
// A finished run shows no ETA; a run that never reported shows nothing (null).
export function progressSummary(run) {
  const p = run.progress;
  if (!p) return null;
  const n = (x) => x.toLocaleString('en-US');
  const parts = [];
  if (p.fraction != null) parts.push(`${Math.floor(p.fraction * 100)}%`);
  parts.push(
    p.assetsTotal
      ? `${n(p.assetsDone)} of ${n(p.assetsTotal)} assets`
      : `${n(p.assetsDone)} assets`,
  );
  if (p.bytesTotal)
    parts.push(`${fmtBytes(p.bytesDone, p.bytesTotal)} of ${fmtBytes(p.bytesTotal)}`);
  else if (p.bytesDone) parts.push(fmtBytes(p.bytesDone));
  if (run.state === 'dispatched' && p.etaMs != null) parts.push(fmtEta(p.etaMs));
  return parts.join(' · ');
}

// The bar (an indeterminate one while the plugin has not reported, or reports no total).
export function progressView(run) {
  const p = run.progress;
  const bar = h('progress', { 'aria-label': 'Run progress', max: '1' });
  if (p && p.fraction != null) bar.value = p.fraction;
  else if (run.state !== 'dispatched') bar.value = 0;
  const summary =
    progressSummary(run) ??
    (run.state === 'dispatched'
      ? 'Waiting for the plugin to report its progress…'
      : 'The plugin reported no progress.');
  return h(
    'section',
    { class: 'card', 'aria-label': 'Progress' },
    h('h2', {}, 'Progress'),
    bar,
    h('div', { class: 'small', role: 'status', 'data-testid': 'progress-summary' }, summary),
  );
}
