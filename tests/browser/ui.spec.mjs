// Browser test of the hub's web UI in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium): the seed's flow end to end. Starts `xport hub` on a temp data dir,
// creates a project and imports examples/data/demo-export.ndjson over the REST API, then in
// the browser: log in, Plugins → create an Export plugin → read ID and secret from the
// Development box; starts `xport plugin` with them, waits for the UI to show it online;
// Projects → the project → Settings → Plugins → Open → Run; waits for the notification,
// follows its Download link and checks the zip. Then Organization → add the user Mia (her key
// shown once), the project's Settings → Members → Mia as annotator, and logged in as Mia: the
// project without Plugins, import or a run button. The UI must be live (Socket.IO /ui, npm's
// socket.io-client, copied into web/vendor) and the notification and the run's success must
// have been pushed, not polled. Screenshots go to $ARTIFACTS_DIR/screenshots.
// Exit 77 (CTest: skipped) only when node's playwright-core or /usr/bin/chromium is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const XPORT = process.env.XPORT_BINARY || path.join(repo, 'build/xport');
const ARTIFACTS = process.env.ARTIFACTS_DIR || path.join(here, 'artifacts');
const shots = path.join(ARTIFACTS, 'screenshots');

function skip(why) { console.log(`SKIP: ${why}`); process.exit(77); }
let chromium;
try {
  chromium = createRequire(path.join(here, 'package.json'))('playwright-core').chromium;
} catch { skip(`playwright-core is not installed in ${here}/node_modules (run scripts/install-npm-peers.sh)`); }
if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (apt-get install chromium)`);
const SIO_CLIENT = path.join(repo, 'web/vendor/socket.io.esm.min.js');
if (!fs.existsSync(SIO_CLIENT)) { console.error(`FAIL: ${SIO_CLIENT} is missing (run scripts/install-npm-peers.sh)`); process.exit(1); }
if (!fs.existsSync(XPORT)) { console.error(`FAIL: no xport binary at ${XPORT} (set XPORT_BINARY)`); process.exit(1); }

fs.mkdirSync(shots, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-browser-'));
const children = [];
let browser;
let page; // kept for a screenshot on failure

function log(...a) { console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...a); }

function start(name, args) {
  const child = spawn(XPORT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.out = ''; child.err = '';
  child.stdout.on('data', (d) => { child.out += d; });
  child.stderr.on('data', (d) => { child.err += d; });
  child.name = name;
  children.push(child);
  return child;
}
async function waitFor(what, fn, timeoutMs = 20000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await Promise.race([new Promise((r) => c.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

// A zip's entries from its central directory: {name: Buffer}.
function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error('not a zip (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + csize);
    out[name] = method === 0 ? data : method === 8 ? zlib.inflateRawSync(data) : (() => { throw new Error(`zip method ${method}`); })();
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

async function main() {
  // --- the hub ---
  const dataDir = path.join(tmp, 'hub');
  const hub = start('hub', ['hub', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--offline-wait', '120']);
  const base = await waitFor('the hub to listen', () => /listening on (http:\/\/\S+)/.exec(hub.out)?.[1], 15000);
  const key = (/admin API key: (\S+)/.exec(hub.out)?.[1]) || fs.readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
  log('hub at', base);
  const rest = async (method, p, body, type = 'application/json') => {
    const res = await fetch(base + p, { method, headers: { apikey: key, 'Content-Type': type }, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const project = await rest('POST', '/api/projects', JSON.stringify({ name: 'Street scenes', stages: ['Label', 'Review', 'Complete'] }));
  const imported = await rest('POST', `/api/projects/${project.id}/import`, fs.readFileSync(path.join(repo, 'examples/data/demo-export.ndjson')), 'application/x-ndjson');
  if (imported.assets !== 5) throw new Error(`import: expected 5 assets, got ${JSON.stringify(imported)}`);
  log('project', project.id, 'with', imported.assets, 'assets');

  // --- the browser ---
  // A fresh profile (playwright-core passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(path.join(tmp, 'chrome-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  browser = context;
  page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(15000);

  await page.goto(base + '/');
  await page.screenshot({ path: path.join(shots, '01-login-1280.png') });
  // A wrong key is refused with a message.
  await page.getByLabel('API key').fill('wrong-key');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('That API key is not valid.').waitFor();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Projects', exact: true }).first().waitFor();
  // Live updates: the UI loaded npm's socket.io-client (web/vendor) and joined /ui.
  const liveStatus = page.locator('#live-status');
  await page.locator('#live-status[data-mode="live"]').waitFor({ timeout: 10000 }).catch(async (e) => {
    throw new Error(`${e.message}\nindicator: ${await liveStatus.textContent()} (${await liveStatus.getAttribute('title')})`);
  });
  if ((await liveStatus.textContent()).trim() !== 'live') throw new Error('the indicator does not say live');
  log('the UI is live on /ui');

  // Plugins → create an Export plugin; the Config JSON is validated while typing.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plugins' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Sample export');
  await page.getByLabel('Description').fill('The built-in formats via xport plugin');
  const cfg = page.getByLabel('Default Config JSON');
  await cfg.fill('{\n  "format": "sample",\n}');
  await page.getByText(/Invalid JSON at line 3, column 1/).waitFor();
  if (!(await page.getByRole('button', { name: 'Create plugin' }).isDisabled())) throw new Error('Create enabled with invalid JSON');
  await page.screenshot({ path: path.join(shots, '02-plugin-invalid-json-1280.png') });
  await cfg.fill('{"format": "sample"}');
  await page.getByRole('button', { name: 'Create plugin' }).click();

  const dev = page.getByRole('region', { name: 'Development' });
  await dev.waitFor();
  const pluginId = (await dev.getByLabel('Plugin ID', { exact: true }).textContent()).trim();
  const secret = (await dev.getByLabel('Plugin secret', { exact: true }).textContent()).trim();
  if (!/^[\w-]{8,}$/.test(pluginId) || !/^\S{8,}$/.test(secret)) throw new Error(`bad id/secret shown: ${pluginId} / ${secret}`);
  await dev.getByText('0 online').waitFor();
  log('plugin', pluginId, 'created in the UI');
  await page.screenshot({ path: path.join(shots, '03-plugin-development-1280.png') });

  const plugin = start('plugin', ['plugin', '--host', base, '--id', pluginId, '--secret', secret]);
  await dev.getByText('1 online').waitFor({ timeout: 20000 }).catch((e) => { throw new Error(`${e.message}\nplugin stderr:\n${plugin.err}`); });
  log('the UI shows the plugin online');
  // Back-pressure from the plugin page: runs per instance, saved through PATCH.
  const details = page.getByRole('region', { name: 'Plugin details' });
  await details.getByLabel('Runs per instance (0: no limit)').fill('2');
  await details.getByRole('button', { name: 'Save' }).nth(1).click();
  await page.getByText('now takes at most 2 run(s) at a time').waitFor();
  const saved = await rest('GET', `/api/plugins/${pluginId}`);
  if (saved.instanceConcurrency !== 2) throw new Error(`instanceConcurrency not saved: ${JSON.stringify(saved)}`);

  // Projects → the project → Settings → Plugins → Open → Run.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('link', { name: 'Street scenes' }).click();
  await page.getByText('5 assets').waitFor();
  // The workflow (declared stages between the platform's Start and Complete), the batches the
  // import brought, and the ontology learned from the assets.
  await page.getByTestId('stages').getByText('Start → Label → Review → Complete', { exact: true }).waitFor();
  await page.getByTestId('batches').getByText('Batch A, Batch B', { exact: true }).waitFor();
  await page.getByRole('region', { name: 'Ontology' }).getByText('tool · bounding-box').first().waitFor();
  // Project import in the UI: the same file again is refused (409, the API's message shown),
  // then accepted with "Replace the existing assets".
  const demo = path.join(repo, 'examples/data/demo-export.ndjson');
  const importForm = page.getByRole('form', { name: 'Import' });
  await importForm.getByLabel('Export file (NDJSON, JSON or zip)').setInputFiles(demo);
  await importForm.getByRole('button', { name: 'Import' }).click();
  await importForm.getByText(/nothing was imported \(HTTP 409\)/).waitFor();
  await page.screenshot({ path: path.join(shots, '04a-import-conflict-1280.png') });
  await importForm.getByLabel('Replace the existing assets').check();
  await importForm.getByRole('button', { name: 'Import' }).click();
  await importForm.getByText('Imported 5 assets; the project has 5.').waitFor();
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Settings' }).click();
  const plugins = page.getByRole('region', { name: 'Plugins' });
  await plugins.getByRole('button', { name: 'Open Sample export' }).click();
  const dialog = page.getByRole('dialog');
  const runCfg = dialog.getByLabel('Config JSON');
  const prefilled = await runCfg.inputValue();
  if (prefilled !== '{"format": "sample"}') throw new Error(`Config JSON not prefilled with the default: ${prefilled}`);
  await runCfg.fill('{"format": "sample"');
  await dialog.getByText(/Invalid JSON at line 1, column \d+/).waitFor();
  await runCfg.fill('{"format": "sample"}');
  await dialog.getByLabel('Stage filter').selectOption('Complete');
  await page.screenshot({ path: path.join(shots, '04b-run-dialog-1280.png') });
  await dialog.getByRole('button', { name: 'Run' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The notification arrives and opens the panel; the run history shows it succeeded.
  const panel = page.getByRole('region', { name: 'Notification list' });
  const ready = panel.getByText(/^Export Sample export on Street scenes is ready/);
  await ready.waitFor({ timeout: 60000 }).catch(async (e) => {
    const runs = await rest('GET', `/api/runs?project=${project.id}`);
    throw new Error(`${e.message}\nruns: ${JSON.stringify(runs)}\nplugin stderr:\n${plugin.err}`);
  });
  await page.getByRole('table', { name: 'Run history' }).getByText('succeeded').first().waitFor();
  await page.screenshot({ path: path.join(shots, '05-notification-1280.png') });
  // Both came through /ui: the UI records how each first reached it (while live it polls
  // only every 30 s, and the run started well within that).
  const readySource = await panel.locator('li').filter({ hasText: /^Export Sample export on Street scenes is ready/ }).first().getAttribute('data-source');
  if (readySource !== 'push') throw new Error(`the notification arrived by ${readySource}, not pushed on /ui`);
  const runSource = await page.getByRole('table', { name: 'Run history' }).locator('tr').filter({ has: page.getByTestId('run-state').getByText('succeeded') }).first().getAttribute('data-source');
  if (runSource !== 'push') throw new Error(`the run's success arrived by ${runSource}, not pushed on /ui`);
  log('notification and run state pushed live');

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('link', { name: 'Download' }).first().click()]);
  const zipPath = path.join(ARTIFACTS, 'export.zip');
  await download.saveAs(zipPath);
  await panel.getByRole('button', { name: 'Close' }).click();
  await panel.waitFor({ state: 'hidden' });
  const entries = unzip(fs.readFileSync(zipPath));
  const names = Object.keys(entries);
  log('zip entries:', names.join(', '));
  const entry = entries[`${project.id}.json`];
  if (!entry) throw new Error(`no ${project.id}.json in the zip: ${names.join(', ')}`);
  const parsed = JSON.parse(entry.toString('utf8'));
  const assets = Array.isArray(parsed) ? parsed : parsed.assets || parsed.data || [];
  if (assets.length !== 5) throw new Error(`expected 5 assets in ${project.id}.json, got ${assets.length}`);
  if (!entry.toString('utf8').includes('street_0001.jpg')) throw new Error('street_0001.jpg missing from the export');

  // A failing run: the plugin's reason reaches the notification panel.
  await plugins.getByRole('button', { name: 'Open Sample export' }).click();
  await dialog.getByLabel('Config JSON').fill('{"format": "no-such-format"}');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await panel.getByText(/^Export Sample export on Street scenes failed: .+/).waitFor({ timeout: 60000 });
  await page.getByRole('table', { name: 'Run history' }).getByText('failed', { exact: true }).waitFor();
  await page.screenshot({ path: path.join(shots, '05b-failed-run-1280.png') });
  log('failure notification:', await panel.getByText(/failed: /).first().textContent());
  await panel.getByRole('button', { name: 'Close' }).click();

  // Logs of the run, then the phone-width layout.
  await page.getByRole('table', { name: 'Run history' }).getByRole('button', { name: 'Logs' }).last().click();
  await page.getByLabel('Run logs').getByText(/converting project/).waitFor();
  await page.screenshot({ path: path.join(shots, '06-run-logs-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, '07-project-settings-390.png'), fullPage: true });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plugins' }).click();
  await page.getByRole('link', { name: 'Sample export' }).click();
  await page.getByRole('region', { name: 'Development' }).waitFor();
  await page.screenshot({ path: path.join(shots, '08-plugin-390.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 2) throw new Error(`the page is ${overflow}px wider than a 390px screen`);

  await page.setViewportSize({ width: 1280, height: 800 });
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  await runPages(page, mainNav, rest, base, project);

  // Organization → add the user Mia (a member): her API key is shown once, then never again.
  await mainNav.getByRole('link', { name: 'Organization' }).click();
  const users = page.getByRole('region', { name: 'Users' });
  await users.getByRole('row').filter({ hasText: 'admin@localhost' }).getByText('server admin', { exact: true }).waitFor();
  const addUser = page.getByRole('form', { name: 'Add user' });
  await addUser.getByLabel('Name', { exact: true }).fill('Mia');
  await addUser.getByLabel('Email', { exact: true }).fill('mia@example.com');
  await addUser.getByLabel('Role', { exact: true }).selectOption('member');
  await addUser.getByRole('button', { name: 'Add user' }).click();
  const keyBox = page.getByRole('region', { name: 'New API key' });
  await keyBox.getByText(/^Shown once/).waitFor();
  const miaKey = (await keyBox.getByLabel('API key', { exact: true }).textContent()).trim();
  if (!/^[\w-]{20,}$/.test(miaKey)) throw new Error(`bad API key shown: ${miaKey}`);
  const miaRow = users.getByRole('row').filter({ hasText: 'mia@example.com' });
  await miaRow.getByText('member', { exact: true }).waitFor();
  await page.screenshot({ path: path.join(shots, '09-organization-new-key-1280.png'), fullPage: true });
  await mainNav.getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('link', { name: 'Street scenes' }).waitFor();
  await mainNav.getByRole('link', { name: 'Organization' }).click();
  await miaRow.waitFor();
  if ((await keyBox.count()) || (await page.locator('body').innerText()).includes(miaKey)) throw new Error('the API key is shown again');
  log('user Mia added in the UI; her key was shown once');

  // The project → Settings → Members → Mia as annotator.
  await mainNav.getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('link', { name: 'Street scenes' }).click();
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Settings' }).click();
  const settingsNav = page.getByRole('navigation', { name: 'Settings' });
  await settingsNav.getByRole('link', { name: 'Members' }).click();
  const members = page.getByRole('region', { name: 'Members' });
  const addMember = page.getByRole('form', { name: 'Add member' });
  await addMember.getByLabel('Email', { exact: true }).fill('mia@example.com');
  await addMember.getByLabel('Role', { exact: true }).selectOption('annotator');
  await addMember.getByRole('button', { name: 'Add member' }).click();
  await members.getByRole('row').filter({ hasText: 'mia@example.com' }).waitFor();
  const miaRole = await members.getByLabel('Role of Mia', { exact: true }).inputValue();
  if (miaRole !== 'annotator') throw new Error(`Mia is ${miaRole}, not annotator`);
  await page.screenshot({ path: path.join(shots, '10-project-members-1280.png'), fullPage: true });

  // Logged in as Mia (with the key shown once): the project, but no import, no Plugins (tab
  // or top bar link) and nothing that runs an export; the members without their controls.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('API key').fill(miaKey);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Projects', exact: true }).first().waitFor();
  await page.locator('#whoami').getByText('Mia (member)').waitFor();
  if (await mainNav.getByRole('link', { name: 'Plugins' }).count()) throw new Error('an annotator sees the Plugins link');
  await page.getByRole('link', { name: 'Street scenes' }).click();
  await page.getByTestId('stages').waitFor();
  if (await page.getByRole('form', { name: 'Import' }).count()) throw new Error('an annotator sees the import form');
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Settings' }).click();
  await members.getByRole('row').filter({ hasText: 'mia@example.com' }).getByText('annotator', { exact: true }).waitFor();
  const annotatorSees = async (where) => {
    if (await settingsNav.getByRole('link', { name: 'Plugins' }).count()) throw new Error(`${where}: an annotator sees the Plugins tab`);
    if (await page.getByRole('region', { name: 'Plugins' }).count()) throw new Error(`${where}: an annotator sees the plugin list`);
    if (await page.getByRole('button', { name: /^(Open|Run)\b/ }).count()) throw new Error(`${where}: an annotator sees a run button`);
    if ((await addMember.count()) || (await members.getByRole('button', { name: /^Remove/ }).count())) throw new Error(`${where}: an annotator may change the members`);
  };
  await annotatorSees('Settings');
  await page.screenshot({ path: path.join(shots, '11-annotator-settings-1280.png'), fullPage: true });
  // An old link to Settings → Plugins shows an annotator the members instead.
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('stages').waitFor();
  await page.evaluate((id) => { location.hash = `#/projects/${id}/settings/plugins`; }, project.id);
  await members.getByRole('row').filter({ hasText: 'mia@example.com' }).waitFor();
  await annotatorSees('Settings → Plugins link');
  log('as Mia, an annotator: the project without plugins, import or runs');

  // The wrong key (401) and the repeated import (409) tried above: expected answers.
  const unexpected = consoleErrors.filter((t) => !/status of (401|409)/.test(t));
  if (unexpected.length) throw new Error(`browser console errors:\n${unexpected.join('\n')}`);
  log('PASS; screenshots in', shots);
}

// The run's page. A finished run (the run history links to it): the bar at 100% with what was
// read, the log and the conversion report. Then a run followed live: a plugin of the test's
// own (npm socket.io-client, connecting as any plugin does) reports 1 then 2 of 5 assets and
// a log line, and the page shows the bar, the counts and an ETA as they are pushed, then the
// failure it answers with.
async function runPages(page, mainNav, rest, base, project) {
  await mainNav.getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('link', { name: 'Street scenes' }).click();
  const history = page.getByRole('table', { name: 'Run history' });
  await history.locator('tr').filter({ has: page.getByTestId('run-state').getByText('succeeded') }).first().locator('a[href^="#/runs/"]').click();
  await page.getByRole('heading', { name: 'Run of Sample export on Street scenes' }).waitFor();
  const summary = page.getByTestId('progress-summary');
  await summary.getByText(/^100% · 5 assets · [\d.]+ kB of [\d.]+ kB$/).waitFor();
  const report = page.getByRole('region', { name: 'Report' });
  await report.getByTestId('report-assets').getByText('5', { exact: true }).waitFor();
  await page.getByLabel('Run logs').getByText(/export ready/).waitFor();
  await page.screenshot({ path: path.join(shots, '06b-run-page-1280.png'), fullPage: true });
  log('run page: progress', await summary.textContent(), '; report shown');

  const { io } = createRequire(path.join(repo, 'web-tools/package.json'))('socket.io-client');
  const slow = await rest('POST', '/api/plugins', JSON.stringify({ name: 'Slow export', description: 'reports progress', defaultConfig: '{}' }));
  const sock = io(`${base}/plugin`, { transports: ['websocket'], reconnection: false });
  try {
    sock.on('connect', () => sock.emit('heartbeat', { id: slow.id, secret: slow.secret }));
    const delivered = new Promise((resolve) => sock.on('plugin', resolve));
    await waitFor('the test plugin online', async () => (await rest('GET', `/api/plugins/${slow.id}`)).onlineInstances === 1);
    const run = await rest('POST', '/api/runs', JSON.stringify({ project: project.id, plugin: slow.id, config: '{}' }));
    const data = await delivered;
    if (data.acceptsProgress !== true) throw new Error(`the plugin event offers no progress: ${JSON.stringify(data)}`);
    const session = run.session;
    await page.evaluate((s) => { location.hash = `#/runs/${s}`; }, session);
    await summary.getByText('Waiting for the plugin to report its progress…').waitFor();
    sock.emit('progress', { session, assetsDone: 1, assetsTotal: 5 });
    await summary.getByText(/^20% · 1 of 5 assets$/).waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    sock.emit('progress', { session, assetsDone: 2, assetsTotal: 5 });
    sock.emit('log', { level: 'INFO', session, pluginId: slow.id, msg: 'two of five done' });
    await summary.getByText(/^40% · 2 of 5 assets · about \d+ s left$/).waitFor();
    await page.getByLabel('Run logs').getByText(/two of five done/).waitFor();
    if ((await page.getByLabel('Run progress').getAttribute('value')) !== '0.4') throw new Error('the bar is not at 40%');
    await page.screenshot({ path: path.join(shots, '06c-run-in-progress-1280.png'), fullPage: true });
    log('run page live:', await summary.textContent());
    sock.emit('response', { error: true, session, message: 'stopped on purpose' });
    await page.getByTestId('run-state').getByText('failed').waitFor();
    await page.getByTestId('run-message').getByText('stopped on purpose').waitFor();
    if (await page.getByRole('button', { name: 'Cancel run' }).count()) throw new Error('a finished run offers Cancel');
    // A run cancelled from its page: the plugin never answers it.
    const next = new Promise((resolve) => sock.once('plugin', resolve));
    const second = await rest('POST', '/api/runs', JSON.stringify({ project: project.id, plugin: slow.id, config: '{}' }));
    await next;
    await page.evaluate((s) => { location.hash = `#/runs/${s}`; }, second.session);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByTestId('run-state').getByText('cancelled').waitFor();
    await page.getByTestId('run-message').getByText(/^cancelled by admin/).waitFor();
    log('run page: cancelled a dispatched run');
  } finally {
    sock.close();
  }
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error('FAIL:', e.stack || e);
  if (page) {
    await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
    console.error(`page text at failure:\n${(await page.locator('body').innerText().catch(() => '')).slice(0, 3000)}`);
  }
  for (const c of children) console.error(`--- ${c.name} stderr (tail) ---\n${c.err.slice(-3000)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
