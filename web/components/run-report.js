// A finished run's conversion report (GET /api/runs/{session}: report, the built-in formats'
// report.json): what was read, what was written per class, and every reason something was
// changed or dropped, with example assets.
import { h } from '../dom.js';

const n = (x) => Number(x ?? 0).toLocaleString('en-US');

function totals(report) {
  const input = report.input || {};
  const output = report.output || {};
  const key = (text) => h('span', { class: 'muted' }, text);
  return h(
    'div',
    { class: 'kv' },
    key('Format'),
    h('span', {}, report.format || ''),
    key('Assets read'),
    h('span', { 'data-testid': 'report-assets' }, n(input.assets)),
    key('Assets skipped'),
    h('span', {}, n(input.skipped)),
    key('Objects written'),
    h('span', { 'data-testid': 'report-objects' }, n(output.objects)),
    key('Input problems'),
    h('span', {}, n(report.problems?.count)),
  );
}

const example = (e) =>
  `line ${e.line}${e.externalId ? ` (${e.externalId})` : ''}${e.detail ? `: ${e.detail}` : ''}`;

function notesTable(notes) {
  if (!notes.length)
    return h(
      'p',
      { class: 'ok', 'data-testid': 'report-clean' },
      'Nothing was changed or dropped.',
    );
  return h(
    'table',
    { 'aria-label': 'Changed and dropped' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'What'),
        h('th', {}, 'Why'),
        h('th', {}, 'Count'),
        h('th', {}, 'For example'),
      ),
    ),
    h(
      'tbody',
      {},
      notes.map((note) =>
        h(
          'tr',
          {},
          h('td', {}, note.action),
          h('td', {}, note.reason),
          h('td', {}, n(note.count)),
          h('td', { class: 'small' }, (note.examples || []).map(example).join('; ')),
        ),
      ),
    ),
  );
}

function classesTable(perClass) {
  const rows = Object.entries(perClass || {});
  if (!rows.length) return null;
  return h(
    'table',
    { 'aria-label': 'Objects per class' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Class'), h('th', {}, 'Objects'))),
    h(
      'tbody',
      {},
      rows.map(([name, count]) => h('tr', {}, h('td', {}, name), h('td', {}, n(count)))),
    ),
  );
}

function problemsList(problems) {
  const first = problems?.first || [];
  if (!first.length) return null;
  return h(
    'div',
    {},
    h('h3', {}, `Input problems (first ${first.length} of ${n(problems.count)})`),
    h(
      'ul',
      { class: 'small' },
      first.map((p) => h('li', {}, p.message)),
    ),
  );
}

export function reportView(report) {
  const output = report.output || {};
  return h(
    'section',
    { class: 'card', 'aria-label': 'Report' },
    h('h2', {}, 'Report'),
    totals(report),
    h('h3', {}, 'Changed and dropped'),
    notesTable(output.notes || []),
    classesTable(output.objects_per_class),
    problemsList(report.problems),
  );
}
