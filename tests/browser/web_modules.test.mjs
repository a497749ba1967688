// Unit tests of the web UI's pure module parts (router, notifications and run-history merges,
// the run request, Config JSON checks) and of its lint rules, in node without a browser.
// web/ has no package.json (the hub serves that directory), so node would read its .js files
// as CommonJS: the tests import a copy beside a {"type": "module"} package.json.
// The lint-rule tests are skipped when web-tools/node_modules is missing
// (scripts/install-npm-peers.sh web-tools).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-web-modules-'));
process.on('exit', () => fs.rmSync(copy, { recursive: true, force: true }));
fs.cpSync(path.join(repo, 'web'), path.join(copy, 'web'), {
  recursive: true,
  filter: (src) => !src.includes(`${path.sep}vendor`),
});
fs.writeFileSync(path.join(copy, 'package.json'), '{"type": "module"}');
const load = (file) => import(pathToFileURL(path.join(copy, 'web', file)).href);

const { parseRoute } = await load('router.js');
const { withPushed, withPolled } = await load('notifications.js');
const { shownRun, withRun, stateRank } = await load('components/run-history.js');
const { runRequest } = await load('dialogs/run-dialog.js');
const { fmtBytes, fmtEta, progressSummary } = await load('components/run-progress.js');
const { checkConfig, lineCol } = await load('json-check.js');
const { store } = await load('store.js');

test('routes: each hash reaches its page with its id and the top bar link to mark', () => {
  assert.deepEqual(parseRoute(''), { page: 'projects', nav: 'projects' });
  assert.deepEqual(parseRoute('#/'), { page: 'projects', nav: 'projects' });
  assert.deepEqual(parseRoute('#/projects'), { page: 'projects', nav: 'projects' });
  assert.deepEqual(parseRoute('#/projects/p1'), { page: 'project', id: 'p1', nav: 'projects' });
  assert.deepEqual(parseRoute('#/projects/p1/settings/plugins'), {
    page: 'projectSettings',
    id: 'p1',
    tab: 'plugins',
    nav: 'projects',
  });
  assert.deepEqual(parseRoute('#/projects/p1/settings/members'), {
    page: 'projectSettings',
    id: 'p1',
    tab: 'members',
    nav: 'projects',
  });
  // Settings without a tab asks for Plugins (the page shows Members to non-managers).
  assert.deepEqual(parseRoute('#/projects/p1/settings'), {
    page: 'projectSettings',
    id: 'p1',
    tab: 'plugins',
    nav: 'projects',
  });
  assert.deepEqual(parseRoute('#/organization'), { page: 'organization', nav: 'organization' });
  assert.deepEqual(parseRoute('#/organization/'), { page: 'organization', nav: 'organization' });
  assert.deepEqual(parseRoute('#/plugins'), { page: 'plugins', nav: 'plugins' });
  assert.deepEqual(parseRoute('#/storages'), { page: 'storages', nav: 'storages' });
  assert.deepEqual(parseRoute('#/plugins/x9/'), { page: 'plugin', id: 'x9', nav: 'plugins' });
  assert.deepEqual(parseRoute('#/runs/s7'), { page: 'run', id: 's7', nav: 'runs' });
  // Unknown sections show the projects, and mark no link (as before the split).
  assert.deepEqual(parseRoute('#/nope/1'), { page: 'projects', nav: 'nope' });
  assert.deepEqual(parseRoute('#/runs'), { page: 'projects', nav: 'runs' });
});

test('notifications: a pushed one takes its place, newest first, at most 30', () => {
  const list = [{ id: 5 }, { id: 3, text: 'old' }];
  assert.deepEqual(withPushed(list, { id: 3, text: 'new' }), [{ id: 5 }, { id: 3, text: 'new' }]);
  assert.deepEqual(
    withPushed(list, { id: 9 }).map((n) => n.id),
    [9, 5, 3],
  );
  const many = Array.from({ length: 30 }, (_, i) => ({ id: 30 - i }));
  assert.equal(withPushed(many, { id: 31 }).length, 30);
  assert.equal(withPushed(many, { id: 31 })[29].id, 2);
});

test('notifications: a poll keeps what was pushed while it was under way', () => {
  const shown = [{ id: 8, pushed: true }, { id: 6 }];
  const polled = [{ id: 7 }, { id: 6, read: true }];
  assert.deepEqual(withPolled(shown, polled), [
    { id: 8, pushed: true },
    { id: 7 },
    { id: 6, read: true },
  ]);
  assert.deepEqual(withPolled(shown, []), shown);
});

test('run history: a state never goes back, and the list stays newest first', () => {
  assert.ok(stateRank('queued') < stateRank('dispatched'));
  assert.ok(stateRank('dispatched') < stateRank('failed'));
  const done = { session: 's', state: 'succeeded', createdAt: 1 };
  const late = { session: 's', state: 'dispatched', createdAt: 1, log: { seq: 4 } };
  assert.deepEqual(shownRun(done, late), { ...done, log: { seq: 4 } });
  assert.equal(shownRun({ ...done, state: 'queued' }, done), done);
  assert.equal(shownRun(undefined, late), late);
  const runs = [
    { session: 'b', createdAt: 2 },
    { session: 'a', createdAt: 1 },
  ];
  assert.deepEqual(
    withRun(runs, { session: 'c', createdAt: 3 }).map((r) => r.session),
    ['c', 'b', 'a'],
  );
  assert.deepEqual(withRun(runs, { session: 'a', createdAt: 1, state: 'failed' }), [
    runs[0],
    { session: 'a', createdAt: 1, state: 'failed' },
  ]);
  const many = Array.from({ length: 20 }, (_, i) => ({ session: `r${i}`, createdAt: 100 - i }));
  assert.equal(withRun(many, { session: 'new', createdAt: 200 }).length, 20);
});

test('run progress: the percentage, the counts, and an ETA only while the run goes on', () => {
  const progress = {
    assetsDone: 1234,
    assetsTotal: 5000,
    bytesDone: 120_500_000,
    bytesTotal: 337_000_000,
    fraction: 0.4237,
    etaMs: 3400,
  };
  assert.equal(
    progressSummary({ state: 'dispatched', progress }),
    '42% · 1,234 of 5,000 assets · 120.5 MB of 337.0 MB · about 3 s left',
  );
  assert.equal(
    progressSummary({ state: 'succeeded', progress: { ...progress, fraction: 1 } }),
    '100% · 1,234 of 5,000 assets · 120.5 MB of 337.0 MB',
  );
  // No totals: the counts alone, and no percentage.
  assert.equal(
    progressSummary({
      state: 'dispatched',
      progress: { assetsDone: 7, bytesDone: 2_000_000, fraction: null, etaMs: null },
    }),
    '7 assets · 2.0 MB',
  );
  assert.equal(fmtBytes(2500, 9000), '2.5 kB');
  assert.equal(fmtBytes(2500, 2_000_000), '0.0 MB');
  assert.equal(progressSummary({ state: 'dispatched', progress: null }), null);
  assert.equal(fmtEta(null), '');
  assert.equal(fmtEta(200), 'about 1 s left');
  assert.equal(fmtEta(150_000), 'about 3 min left');
  assert.equal(fmtEta(3_900_000), 'about 1 h 5 min left');
});

test('run dialog: the request names stage and batches only when chosen', () => {
  const project = { id: 'p' };
  const plugin = { id: 'x' };
  assert.deepEqual(runRequest(project, plugin, '{}', '', []), {
    project: 'p',
    plugin: 'x',
    config: '{}',
  });
  assert.deepEqual(runRequest(project, plugin, '{}', 'st', ['b1', 'b2']), {
    project: 'p',
    plugin: 'x',
    config: '{}',
    stage: 'st',
    batches: ['b1', 'b2'],
  });
});

test('Config JSON: an object passes; anything else fails with where and why', () => {
  assert.deepEqual(checkConfig('{"a": 1}'), { ok: true, value: { a: 1 } });
  assert.match(checkConfig('  ').error, /^Config JSON is empty/);
  assert.match(checkConfig('[1]').error, /not an array$/);
  assert.match(checkConfig('"s"').error, /not a string$/);
  assert.match(
    checkConfig('{\n  "format": "sample",\n}').error,
    /^Invalid JSON at line 3, column 1/,
  );
  assert.deepEqual(lineCol('ab\ncd', 4), { line: 2, col: 2 });
});

test('store: the one place of mutable state starts empty', () => {
  assert.equal(store.me, null);
  assert.deepEqual(store.page, { timers: [], pollers: [], runListener: null });
  assert.deepEqual(store.live, { socket: null, on: false });
  assert.equal(store.openLogs.size, 0);
});

// The lint rules of web-tools/eslint.config.js, on snippets placed as web/ files.
const eslintEntry = path.join(repo, 'web-tools/node_modules/eslint/lib/api.js');
const haveEslint = fs.existsSync(eslintEntry);
const lint = async (code, filePath) => {
  const { ESLint } = await import(pathToFileURL(eslintEntry).href);
  const eslint = new ESLint({ cwd: repo, overrideConfigFile: 'web-tools/eslint.config.js' });
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, filePath) });
  return result.messages.map((m) => m.ruleId);
};
const lintSkip = haveEslint ? false : 'web-tools/node_modules is missing';

test(
  'lint: module-level mutable state outside web/store.js is an error',
  { skip: lintSkip },
  async () => {
    const restricted = ['no-restricted-syntax'];
    assert.deepEqual(await lint('export let n = 0;\n', 'web/pages/x.js'), restricted);
    assert.deepEqual(await lint('var n = 0;\nexport { n };\n', 'web/x.js'), restricted);
    assert.deepEqual(await lint('export const seen = new Set();\n', 'web/x.js'), restricted);
    assert.deepEqual(await lint('const list = [];\nexport { list };\n', 'web/x.js'), restricted);
    assert.deepEqual(await lint('export const s = { a: 1 };\n', 'web/x.js'), restricted);
    assert.deepEqual(await lint('export default new Map();\n', 'web/x.js'), restricted);
    // What stays allowed: frozen tables, constants, function-local state, and the store.
    assert.deepEqual(await lint('export const T = Object.freeze({ a: 1 });\n', 'web/x.js'), []);
    assert.deepEqual(await lint("export const K = 'k';\n", 'web/x.js'), []);
    assert.deepEqual(
      await lint('export function f() {\n  let n = [];\n  return n;\n}\n', 'web/x.js'),
      [],
    );
    assert.deepEqual(
      await lint('export const store = { n: 0, s: new Set() };\n', 'web/store.js'),
      [],
    );
  },
);

test(
  'lint: recommended rules, browser globals, 80-line functions',
  { skip: lintSkip },
  async () => {
    assert.deepEqual(await lint('export const f = () => undefinedThing;\n', 'web/x.js'), [
      'no-undef',
    ]);
    assert.deepEqual(
      await lint('export const f = () => document.title + location.hash;\n', 'web/x.js'),
      [],
    );
    const long = `export function f() {\n${'  f();\n'.repeat(81)}}\n`;
    assert.deepEqual(await lint(long, 'web/x.js'), ['max-lines-per-function']);
  },
);
