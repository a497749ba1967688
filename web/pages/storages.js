// #/storages: the organisation's own S3-compatible storages (results go there when a plugin
// answers with a storage id) and the form that adds one. The hub checks a storage before it
// saves it, so a storage listed here was writable when it was added; secret keys are sent
// once and never shown again.
import { api } from '../api.js';
import { h, field, showPage } from '../dom.js';
import { flash, errorText, onSubmit } from '../flash.js';

function storageRow(s, reload) {
  const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove');
  remove.setAttribute('aria-label', `Remove ${s.name}`);
  remove.addEventListener('click', async () => {
    if (!confirm(`Remove storage "${s.name}"? Results already there stay in the bucket.`)) return;
    try {
      await api('DELETE', `/api/storages/${encodeURIComponent(s.id)}`);
      flash(`Storage "${s.name}" removed`, 'info');
      reload();
    } catch (e) {
      flash(errorText(e));
    }
  });
  return h(
    'tr',
    {},
    h('td', {}, s.name),
    h('td', {}, h('code', {}, s.id)),
    h('td', {}, s.endpoint),
    h('td', {}, s.bucket),
    h('td', {}, s.region),
    h('td', {}, remove),
  );
}

function addForm(reload) {
  const input = (type = 'text', extra = {}) => h('input', { type, required: true, ...extra });
  const name = input();
  const endpoint = input('url', { placeholder: 'https://s3.example.com' });
  const bucket = input('text', { pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]' });
  const region = input('text', { value: 'us-east-1' });
  const accessKey = input('text', { autocomplete: 'off' });
  const secretKey = input('password', { autocomplete: 'new-password' });
  const submit = h('button', { type: 'submit' }, 'Check and add');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Add storage' },
    h('h2', {}, 'Add a storage'),
    field('Name', name),
    field('Endpoint', endpoint),
    field('Bucket', bucket),
    field('Region', region),
    field('Access key', accessKey),
    field('Secret key', secretKey),
    h('div', { class: 'row' }, submit),
  );
  onSubmit(form, submit, async () => {
    const s = await api('POST', '/api/storages', {
      name: name.value.trim(),
      endpoint: endpoint.value.trim(),
      bucket: bucket.value.trim(),
      region: region.value.trim(),
      accessKey: accessKey.value.trim(),
      secretKey: secretKey.value,
    });
    flash(`Storage "${s.name}" checked and added (id ${s.id})`, 'info');
    form.reset();
    region.value = 'us-east-1';
    reload();
  });
  return form;
}

export async function storagesPage() {
  const list = h('tbody');
  const reload = async () => {
    try {
      const { storages } = await api('GET', '/api/storages');
      list.replaceChildren(
        ...(storages.length
          ? storages.map((s) => storageRow(s, reload))
          : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No storages yet.'))]),
      );
    } catch (e) {
      flash(errorText(e));
    }
  };
  const head = ['Name', 'Id', 'Endpoint', 'Bucket', 'Region', ''].map((t) => h('th', {}, t));
  showPage(
    h('h1', {}, 'Storages'),
    h(
      'p',
      { class: 'muted' },
      'Plugins that answer with a storage id (ExportResponse storage_id) write results ' +
        'straight into that bucket; download links point there.',
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card', 'aria-label': 'Storage list' },
        h('h2', {}, 'Your storages'),
        h('table', {}, h('thead', {}, h('tr', {}, ...head)), list),
      ),
      addForm(reload),
    ),
  );
  await reload();
}
