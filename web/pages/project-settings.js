// #/projects/ID/settings/plugins: the plugins to run on the project (Open → the run dialog)
// and the run history; #/projects/ID/settings/members: the project's members
// (project-members.js). Plugins are for org admins and the project's managers only
// (project.canManage; the hub answers 403 to anyone else): others get Members only.
import { api } from '../api.js';
import { h, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { backToProjects, loadProject, projectTabs } from '../components/project-header.js';
import { projectMembers } from '../components/project-members.js';
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

// The tabs under Settings: Plugins only for those who may run them.
function settingsTabs(p, active) {
  const tab = (label, key) =>
    h(
      'a',
      {
        href: `#/projects/${p.id}/settings/${key}`,
        class: active === key ? 'active' : '',
        'aria-current': active === key ? 'page' : null,
      },
      label,
    );
  return h(
    'nav',
    { class: 'tabs sub', 'aria-label': 'Settings' },
    p.canManage ? tab('Plugins', 'plugins') : null,
    tab('Members', 'members'),
  );
}

// The page around a tab: what every project page has, the tabs, then the tab's content.
const showSettings = (p, active, ...content) =>
  showPage(
    backToProjects(),
    h('h1', {}, p.name),
    projectTabs(p, 'settings'),
    settingsTabs(p, active),
    ...content,
  );

async function pluginsTab(p) {
  const body = h('tbody');
  const head = h(
    'thead',
    {},
    h('tr', {}, h('th', {}, 'Plugin'), h('th', {}, 'Type'), h('th', {}, 'Status'), h('th', {}, '')),
  );
  const history = h('section', { class: 'card', 'aria-label': 'Runs' });
  showSettings(
    p,
    'plugins',
    h(
      'section',
      { class: 'card', 'aria-label': 'Plugins' },
      h('h2', {}, 'Plugins'),
      h('table', {}, head, body),
    ),
    history,
  );
  runHistory(p.id, history);
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

// `tab` is the route's (router.js): Plugins unless Members is asked for or Plugins is not
// the caller's, so an old link to Plugins still shows what the caller may see.
export async function projectSettingsPage(id, tab) {
  const p = await loadProject(id);
  if (!p) return;
  if (tab === 'members' || !p.canManage) showSettings(p, 'members', projectMembers(p));
  else await pluginsTab(p);
}
