// Settings → Members: who may see a project, and in which role. Org admins and the project's
// managers (project.canManage) add users of the organisation by email, change roles and
// remove members; everyone else sees the list only. Org admins are not listed unless added:
// they manage every project of their organisation anyway.
import { api } from '../api.js';
import { h, field, fmtTime, newId } from '../dom.js';
import { flash, errorText, onSubmit } from '../flash.js';

const ROLES = Object.freeze(['manager', 'annotator', 'reviewer']);

const roleSelect = (value, attrs = {}) =>
  h('select', attrs, ...ROLES.map((r) => h('option', { value: r, selected: r === value }, r)));

const membersPath = (p, userId = '') =>
  `/api/projects/${encodeURIComponent(p.id)}/members${userId ? '/' + encodeURIComponent(userId) : ''}`;

// A member removed from the organisation meanwhile has no name: the id stands in.
const nameOf = (m) => m.name || m.userId.slice(0, 8);

function roleControl(p, m, reload) {
  if (!p.canManage) return m.role;
  const select = roleSelect(m.role, { 'aria-label': `Role of ${nameOf(m)}`, style: 'width:auto' });
  select.addEventListener('change', async () => {
    try {
      const r = await api('POST', membersPath(p), { userId: m.userId, role: select.value });
      flash(`${nameOf(m)} is now ${r.role} of ${p.name}`, 'info');
    } catch (e) {
      flash(errorText(e));
      reload(); // back to the role the hub kept
    }
  });
  return select;
}

function removeButton(p, m, reload) {
  const b = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Remove ${nameOf(m)}` },
    'Remove',
  );
  b.addEventListener('click', async () => {
    if (!confirm(`Remove ${nameOf(m)} from ${p.name}?`)) return;
    try {
      await api('DELETE', membersPath(p, m.userId));
      flash(`${nameOf(m)} removed from ${p.name}`, 'info');
      reload();
    } catch (e) {
      flash(errorText(e));
    }
  });
  return b;
}

const memberRow = (p, m, reload) =>
  h(
    'tr',
    { 'data-user': m.userId },
    h('td', {}, nameOf(m)),
    h('td', {}, m.email || ''),
    h('td', {}, roleControl(p, m, reload)),
    h('td', { class: 'hide-narrow' }, fmtTime(m.addedAt)),
    p.canManage ? h('td', {}, removeButton(p, m, reload)) : null,
  );

// The organisation's users as suggestions for the email field; without them, typing works.
async function fillSuggestions(list) {
  try {
    const { users } = await api('GET', '/api/users');
    list.replaceChildren(...users.map((u) => h('option', { value: u.email }, u.name)));
  } catch (e) {
    flash(errorText(e));
  }
}

function addMemberForm(p, reload) {
  const suggestions = h('datalist', { id: newId('users') });
  const email = h('input', {
    type: 'email',
    required: true,
    autocomplete: 'off',
    list: suggestions.id,
  });
  const role = roleSelect('annotator');
  const submit = h('button', { type: 'submit' }, 'Add member');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Add member' },
    h('h2', {}, 'Add a member'),
    field('Email', email, suggestions),
    field(
      'Role',
      role,
      h(
        'div',
        { class: 'small muted' },
        'Managers run exports, import and change settings; annotators and reviewers see the project.',
      ),
    ),
    h('div', { class: 'row' }, submit),
  );
  onSubmit(form, submit, async () => {
    // Adding someone who is already a member changes their role (the hub's answer).
    const m = await api('POST', membersPath(p), { email: email.value.trim(), role: role.value });
    flash(`${nameOf(m)} is a member of ${p.name} as ${m.role}`, 'info');
    form.reset();
    reload();
  });
  fillSuggestions(suggestions);
  return form;
}

// The tab's content: the member list, and for managers the form; loaded after it is shown.
export function projectMembers(p) {
  const body = h('tbody');
  const cols = p.canManage ? 5 : 4;
  const reload = async () => {
    try {
      const { members } = await api('GET', membersPath(p));
      body.replaceChildren(
        ...(members.length
          ? members.map((m) => memberRow(p, m, reload))
          : [h('tr', {}, h('td', { colspan: cols, class: 'muted' }, 'No members yet.'))]),
      );
    } catch (e) {
      flash(errorText(e));
    }
  };
  const head = [
    h('th', {}, 'Name'),
    h('th', {}, 'Email'),
    h('th', {}, 'Role'),
    h('th', { class: 'hide-narrow' }, 'Added'),
    p.canManage ? h('th', {}, '') : null,
  ];
  const list = h(
    'section',
    { class: 'card', 'aria-label': 'Members' },
    h('h2', {}, 'Members'),
    h('table', {}, h('thead', {}, h('tr', {}, ...head)), body),
  );
  reload();
  return p.canManage ? h('div', { class: 'grid' }, list, addMemberForm(p, reload)) : list;
}
