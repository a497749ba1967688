// #/projects (and the default route): the project list and the create form.
import { api } from '../api.js';
import { h, field, fmtTime, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';

function createForm() {
  const name = h('input', { type: 'text', required: true });
  const stages = h('input', { type: 'text', placeholder: 'Label, Review, Complete' });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Create project' },
    h('h2', {}, 'Create a project'),
    field('Project name', name),
    field('Stages (comma separated, optional)', stages),
    h('button', { type: 'submit' }, 'Create project'),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const st = stages.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const p = await api('POST', '/api/projects', { name: name.value.trim(), stages: st });
      location.hash = `#/projects/${p.id}`;
    } catch (e) {
      flash(errorText(e));
    }
  });
  return form;
}

const projectRow = (p) =>
  h(
    'tr',
    {},
    h('td', {}, h('a', { href: `#/projects/${p.id}` }, p.name)),
    h('td', {}, `${p.assets} assets`),
    h('td', { class: 'hide-narrow' }, fmtTime(p.createdAt)),
  );

export async function projectsPage() {
  const list = h('tbody');
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', {}, 'Name'),
      h('th', {}, 'Assets'),
      h('th', { class: 'hide-narrow' }, 'Created'),
    ),
  );
  showPage(
    h('h1', {}, 'Projects'),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card', 'aria-label': 'Project list' },
        h('h2', {}, 'Projects'),
        h('table', {}, head, list),
      ),
      createForm(),
    ),
  );
  try {
    const { projects } = await api('GET', '/api/projects');
    list.replaceChildren(
      ...(projects.length
        ? projects.map(projectRow)
        : [h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No projects yet.'))]),
    );
  } catch (e) {
    flash(errorText(e));
  }
}
