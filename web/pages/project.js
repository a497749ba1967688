// #/projects/ID: the project's overview (workflow, batches, ontology), the import form (for
// those who may manage the project) and the run history.
import { api } from '../api.js';
import { h, field, showPage } from '../dom.js';
import { errorText } from '../flash.js';
import { ontologyView } from '../components/ontology.js';
import { backToProjects, loadProject, projectTabs } from '../components/project-header.js';
import { runHistory } from '../components/run-history.js';

// Import an AAF export; `assets` (the overview's count) follows the result. Only for those
// who may manage the project (project.canManage): the hub refuses anyone else's import.
function importForm(id, assets) {
  const file = h('input', { type: 'file', accept: '.ndjson,.json,.zip,.jsonl' });
  const replace = h('input', { type: 'checkbox', id: 'import-replace' });
  const result = h('div', { role: 'status', 'aria-live': 'polite', class: 'small' });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Import' },
    h('h2', {}, 'Import an AAF export'),
    field('Export file (NDJSON, JSON or zip)', file),
    h(
      'div',
      { class: 'row' },
      replace,
      h('label', { for: 'import-replace', style: 'margin:0' }, 'Replace the existing assets'),
    ),
    h(
      'div',
      { class: 'row', style: 'margin-top:.6rem' },
      h('button', { type: 'submit' }, 'Import'),
    ),
    result,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) {
      result.className = 'small error';
      result.textContent = 'Choose a file first.';
      return;
    }
    result.className = 'small muted';
    result.textContent = 'Importing…';
    try {
      const query = replace.checked ? '?replace=true' : '';
      const r = await api('POST', `/api/projects/${id}/import${query}`, file.files[0]);
      result.className = 'small ok';
      result.textContent = `Imported ${r.imported} assets; the project has ${r.assets}.`;
      assets.textContent = `${r.assets} assets`;
    } catch (e) {
      result.className = 'small error field-error';
      result.textContent = errorText(e);
    }
  });
  return form;
}

function overview(p, assets) {
  const key = (text) => h('span', { class: 'muted' }, text);
  const batches = p.batches.length ? p.batches.map((b) => b.name).join(', ') : 'none';
  return h(
    'section',
    { class: 'card', 'aria-label': 'Project details' },
    h('h2', {}, 'Overview'),
    h(
      'div',
      { class: 'kv' },
      key('ID'),
      h('code', { class: 'id' }, p.id),
      key('Assets'),
      assets,
      key('Type'),
      h('span', {}, p.type || 'image'),
      key('Stages'),
      h('span', { 'data-testid': 'stages' }, p.stages.map((s) => s.name).join(' → ')),
      key('Batches'),
      h('span', { 'data-testid': 'batches' }, batches),
    ),
    ontologyView(p.categorySchema),
  );
}

export async function projectPage(id) {
  const p = await loadProject(id);
  if (!p) return;
  const assets = h('span', {}, `${p.assets} assets`);
  const history = h('section', { class: 'card', 'aria-label': 'Runs' });
  showPage(
    backToProjects(),
    h('h1', {}, p.name),
    projectTabs(p, 'overview'),
    h('div', { class: 'grid' }, overview(p, assets), p.canManage ? importForm(id, assets) : null),
    history,
  );
  runHistory(id, history);
}
