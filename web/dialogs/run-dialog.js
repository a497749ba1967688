// The run dialog (Settings → Plugins → Open): Config JSON checked while typing, stage and
// batch filters, Run.
import { api } from '../api.js';
import { h, field } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { bindConfigField } from '../json-check.js';

const dialog = () => document.getElementById('run-dialog');

// The run request the form describes (stage and batches by id: the plugin event carries ids).
export function runRequest(project, plugin, config, stage, batches) {
  const body = { project: project.id, plugin: plugin.id, config };
  if (stage) body.stage = stage;
  if (batches.length) body.batches = batches;
  return body;
}

export function openRunDialog(project, plugin) {
  const dlg = dialog();
  const cfg = h('textarea', { rows: 8, spellcheck: 'false' }, plugin.defaultConfig || '{}');
  const cfgErr = h('div', { class: 'field-error', role: 'status', 'aria-live': 'polite' });
  // Stages and batches by id (the plugin event carries ids), shown by name.
  const stageInput = h(
    'select',
    {},
    h('option', { value: '' }, 'All stages'),
    ...project.stages.map((s) => h('option', { value: s.id }, s.name)),
  );
  const batchInput = h(
    'select',
    { multiple: true, size: String(Math.min(4, Math.max(1, project.batches.length))) },
    ...project.batches.map((b) => h('option', { value: b.id }, b.name)),
  );
  const err = h('p', { class: 'field-error', role: 'alert' });
  const run = h('button', { type: 'submit' }, 'Run');
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: 'run-dialog-title' }, `Run ${plugin.name} on ${project.name}`),
    field('Config JSON', cfg, cfgErr),
    field('Stage filter', stageInput),
    project.batches.length
      ? field('Batch filter (optional; none selected: all)', batchInput)
      : null,
    err,
    h(
      'div',
      { class: 'row', style: 'justify-content:flex-end;margin-top:.6rem' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close() }, 'Cancel'),
      run,
    ),
  );
  bindConfigField(cfg, cfgErr, (ok) => (run.disabled = !ok));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    run.disabled = true;
    try {
      const batches = [...batchInput.selectedOptions].map((o) => o.value);
      const r = await api(
        'POST',
        '/api/runs',
        runRequest(project, plugin, cfg.value, stageInput.value, batches),
      );
      dlg.close();
      flash(
        `Run started (session ${r.session}): you will be notified when the export is ready.`,
        'info',
      );
    } catch (e) {
      err.textContent = errorText(e);
      run.disabled = false;
    }
  });
  dlg.replaceChildren(form);
  dlg.showModal();
}

export function closeRunDialog() {
  const dlg = dialog();
  if (dlg.open) dlg.close();
}
