// Hash routes → pages. parseRoute is pure (tests/browser/web_modules.test.mjs); route() clears
// what the previous page left (its timers, the flash, the panel, the dialog) and shows the
// page, or the login form without an API key.
import { getKey } from './api.js';
import { hideFlash } from './flash.js';
import { showPanel } from './notifications.js';
import { clearPageTimers } from './page-timers.js';
import { closeRunDialog } from './dialogs/run-dialog.js';
import { loginPage } from './pages/login.js';
import { organizationPage } from './pages/organization.js';
import { pluginPage } from './pages/plugin.js';
import { pluginsPage } from './pages/plugins.js';
import { projectPage } from './pages/project.js';
import { projectSettingsPage } from './pages/project-settings.js';
import { projectsPage } from './pages/projects.js';
import { runPage } from './pages/run.js';
import { storagesPage } from './pages/storages.js';

const PAGES = Object.freeze({
  organization: organizationPage,
  plugin: pluginPage,
  plugins: pluginsPage,
  project: projectPage,
  projectSettings: projectSettingsPage,
  projects: projectsPage,
  run: runPage,
  storages: storagesPage,
});

// '#/projects/ID/settings/members' → {page: 'projectSettings', id: 'ID', tab: 'members',
// nav: 'projects'}: the page, its arguments, and the top bar link to mark active. Settings
// without a tab asks for Plugins (the page shows Members to those who may not manage).
export function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [section, id, sub, tab] = parts;
  const nav = section || 'projects';
  if (section === 'organization') return { page: 'organization', nav };
  if (section === 'plugins' && id) return { page: 'plugin', id, nav };
  if (section === 'plugins') return { page: 'plugins', nav };
  if (section === 'projects' && id && sub === 'settings')
    return { page: 'projectSettings', id, tab: tab || 'plugins', nav };
  if (section === 'projects' && id) return { page: 'project', id, nav };
  if (section === 'runs' && id) return { page: 'run', id, nav };
  if (section === 'storages') return { page: 'storages', nav };
  return { page: 'projects', nav };
}

export async function route() {
  clearPageTimers();
  hideFlash();
  showPanel(false);
  closeRunDialog();
  if (!getKey()) return loginPage();
  const { page, id, tab, nav } = parseRoute(location.hash);
  document
    .querySelectorAll('[data-nav]')
    .forEach((a) => a.classList.toggle('active', a.dataset.nav === nav));
  return PAGES[page](id, tab);
}
