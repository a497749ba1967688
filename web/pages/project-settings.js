// #/projects/ID/settings/plugins: the plugins to run on the project (Open → the run dialog)
// and the run history.
import { api } from '../api.js';
import { h, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { backToProjects, loadProject, projectTabs } from '../components/project-header.js';
import { runHistory } from '../components/run-history.js';
import { openRunDialog } from '../dialogs/run-dialog.js';

const pluginRow = (p, pl) =>
  h(
    'tr',
    {},
    h('td', {}, h('strong', {}, pl.name), h('div', { class: 'small muted' }, pl.description || '')),
    h('td', {}, pl.type),
    h(
      'td',
      {},
      h(
        'span',
        { class: pl.onlineInstances ? 'online' : 'offline' },
        `${pl.onlineInstances} online`,
      ),
    ),
    h(
      'td',
      {},
      h(
        'button',
        { type: 'button', 'aria-label': `Open ${pl.name}`, onclick: () => openRunDialog(p, pl) },
        'Open',
      ),
    ),
  );

export async function projectSettingsPage(id) {
  const p = await loadProject(id);
  if (!p) return;
  const body = h('tbody');
  const head = h(
    'thead',
    {},
    h('tr', {}, h('th', {}, 'Plugin'), h('th', {}, 'Type'), h('th', {}, 'Status'), h('th', {}, '')),
  );
  const history = h('section', { class: 'card', 'aria-label': 'Runs' });
  showPage(
    backToProjects(),
    h('h1', {}, p.name),
    projectTabs(p, 'settings'),
    h(
      'section',
      { class: 'card', 'aria-label': 'Plugins' },
      h('h2', {}, 'Plugins'),
      h('table', {}, head, body),
    ),
    history,
  );
  runHistory(id, history);
  try {
    const { plugins } = await api('GET', '/api/plugins');
    body.replaceChildren(
      ...(plugins.length
        ? plugins.map((pl) => pluginRow(p, pl))
        : [
            h(
              'tr',
              {},
              h(
                'td',
                { colspan: 4 },
                'No plugins yet: ',
                h('a', { href: '#/plugins' }, 'create one'),
              ),
            ),
          ]),
    );
  } catch (e) {
    flash(errorText(e));
  }
}
