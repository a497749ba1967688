// What both project pages share: loading the project, the back link and the tabs.
import { api } from '../api.js';
import { h, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';

export const backToProjects = () => h('p', {}, h('a', { href: '#/projects' }, '← Projects'));

// The project, or null after showing why (the page is then only the back link).
export async function loadProject(id) {
  try {
    return await api('GET', `/api/projects/${id}`);
  } catch (e) {
    flash(errorText(e));
    showPage(backToProjects());
    return null;
  }
}

// Settings opens on Plugins for those who may run them (project.canManage), else on Members.
const settingsTab = (p) => (p.canManage ? 'plugins' : 'members');

export function projectTabs(p, active) {
  const tab = (label, href, key) =>
    h(
      'a',
      {
        href,
        class: active === key ? 'active' : '',
        'aria-current': active === key ? 'page' : null,
      },
      label,
    );
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Project' },
    tab('Overview', `#/projects/${p.id}`, 'overview'),
    tab('Settings', `#/projects/${p.id}/settings/${settingsTab(p)}`, 'settings'),
  );
}
