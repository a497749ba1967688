// What `xport hub` serves of the web UI (its default --static-dir: this tree's web/): every
// module that index.html reaches through its imports answers 200 with a JavaScript content
// type, every .js file in web/ is reached (no dead or misspelt module), and the UI's npm tree,
// lint configuration and README (web-tools/) are not served. Needs XPORT_BINARY; no browser.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const XPORT = process.env.XPORT_BINARY || path.join(repo, 'build/release/apps/xport/xport');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-served-'));
let hub;
let base;

before(async () => {
  hub = spawn(XPORT, ['hub', '--data-dir', path.join(tmp, 'hub'), '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  hub.stdout.on('data', (d) => (out += d));
  hub.stderr.on('data', (d) => (out += d));
  const end = Date.now() + 15000;
  while (!(base = /listening on (http:\/\/\S+)/.exec(out)?.[1])) {
    if (Date.now() > end || hub.exitCode !== null)
      throw new Error(`the hub did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (hub && hub.exitCode === null) {
    hub.kill('SIGTERM');
    await new Promise((r) => hub.once('exit', r));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

const get = async (p) => {
  const res = await fetch(base + p);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

// Relative module specifiers: static `import … from '…'`, `export … from '…'`, `import('…')`.
const importsOf = (source) =>
  [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);

function webModules(dir = path.join(repo, 'web'), rel = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory())
      return e.name === 'vendor' ? [] : webModules(path.join(dir, e.name), `${rel}${e.name}/`);
    return e.name.endsWith('.js') ? [`/${rel}${e.name}`] : [];
  });
}

test('index.html and style.css are served with their types', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.equal(index.type, 'text/html; charset=utf-8');
  assert.match(index.text, /<script type="module" src="app.js"><\/script>/);
  const css = await get('/style.css');
  assert.equal(css.status, 200);
  assert.equal(css.type, 'text/css; charset=utf-8');
});

test('every module reached from app.js is served as JavaScript, and every module is reached', async () => {
  const reached = new Set();
  const queue = ['/app.js'];
  while (queue.length) {
    const url = queue.shift();
    if (reached.has(url)) continue;
    reached.add(url);
    const res = await get(url);
    if (url.startsWith('/vendor/') && res.status === 404) continue; // not installed: the UI polls
    assert.equal(res.status, 200, `${url} is not served`);
    assert.equal(res.type, 'text/javascript; charset=utf-8', `${url}'s content type`);
    if (url.startsWith('/vendor/')) continue;
    for (const spec of importsOf(res.text)) queue.push(new URL(spec, `http://x${url}`).pathname);
  }
  assert.ok(reached.has('/vendor/socket.io.esm.min.js'), 'live.js imports the Socket.IO client');
  const unreached = webModules().filter((m) => !reached.has(m));
  assert.deepEqual(unreached, [], 'modules in web/ that no import reaches');
  assert.ok(reached.size >= 20, `only ${reached.size} modules`);
});

test("the UI's npm tree, lint configuration and README are not served", async () => {
  for (const p of [
    '/package.json',
    '/package-lock.json',
    '/README.md',
    '/eslint.config.js',
    '/.prettierrc.json',
    '/node_modules/socket.io-client/package.json',
    '/node_modules/socket.io-client/dist/socket.io.esm.min.js',
    '/../web-tools/package.json',
    '/%2e%2e/web-tools/package.json',
  ])
    assert.equal((await get(p)).status, 404, `${p} is served`);
});
