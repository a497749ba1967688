// #/organization: the caller's organisation and its users. Everyone sees the users and may
// rotate their own key; org admins also add users, rotate anyone's key and remove users; the
// server admin also sees every organisation and creates new ones. The hub refuses whatever
// the caller may not do (403): the page only leaves out the controls that would be refused.
// A key the hub makes is shown once, at the top of the page (api-key-box.js).
import { api, setKey } from '../api.js';
import { h, field, fmtTime, showPage } from '../dom.js';
import { flash, errorText, onSubmit } from '../flash.js';
import { apiKeyBox } from '../components/api-key-box.js';
import { connectLive, disconnectLive } from '../live.js';
import { store } from '../store.js';

const tag = (text) => h('span', { class: 'tag' }, text);

// The old key stops working at once: this browser goes on with the new one, and the live
// connection, which logged in with the old key and would be refused when it reconnects,
// starts again with it.
function useOwnKey(apiKey) {
  setKey(apiKey);
  disconnectLive();
  connectLive();
}

function rotateButton(u, ctx) {
  const self = u.id === ctx.me.id;
  const b = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Rotate key of ${u.name}` },
    'Rotate key',
  );
  b.addEventListener('click', async () => {
    const whose = self ? 'your' : `${u.name}'s`;
    if (!confirm(`Make a new API key for ${whose} account? The current key stops working.`)) return;
    try {
      const r = await api('POST', `/api/users/${encodeURIComponent(u.id)}/rotate-key`);
      if (self) useOwnKey(r.apiKey);
      ctx.showKey(self ? 'Your new API key' : `New API key of ${u.name}`, r.apiKey);
    } catch (e) {
      flash(errorText(e));
    }
  });
  return b;
}

function removeButton(u, ctx) {
  const b = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Remove ${u.name}` },
    'Remove',
  );
  b.addEventListener('click', async () => {
    if (!confirm(`Remove ${u.name} (${u.email})? Their API key stops working.`)) return;
    try {
      await api('DELETE', `/api/users/${encodeURIComponent(u.id)}`);
      flash(`${u.name} removed`, 'info');
      ctx.reload();
    } catch (e) {
      flash(errorText(e));
    }
  });
  return b;
}

// The controls a row gets are the ones the hub allows: rotating one's own key, or any key
// as an org admin; removing as an org admin, never oneself nor the server admin.
function userRow(u, ctx) {
  const self = u.id === ctx.me.id;
  const admin = ctx.me.role === 'admin';
  const rotate = self || admin ? rotateButton(u, ctx) : null;
  const remove = admin && !self && !u.serverAdmin ? removeButton(u, ctx) : null;
  return h(
    'tr',
    {},
    h('td', {}, u.name, self ? h('span', { class: 'small muted' }, ' (you)') : null),
    h('td', {}, u.email),
    h('td', {}, u.role, u.serverAdmin ? [' ', tag('server admin')] : null),
    h('td', { class: 'hide-narrow' }, fmtTime(u.createdAt)),
    h('td', {}, h('div', { class: 'row' }, rotate, remove)),
  );
}

function addUserForm(ctx) {
  const name = h('input', { type: 'text', required: true, autocomplete: 'off' });
  const email = h('input', { type: 'email', required: true, autocomplete: 'off' });
  const role = h(
    'select',
    {},
    h('option', { value: 'member' }, 'member'),
    h('option', { value: 'admin' }, 'admin'),
  );
  const hint = h(
    'div',
    { class: 'small muted' },
    'Admins manage the users and every project; members see the projects they are added to.',
  );
  const submit = h('button', { type: 'submit' }, 'Add user');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Add user' },
    h('h2', {}, 'Add a user'),
    field('Name', name),
    field('Email', email),
    field('Role', role, hint),
    h('div', { class: 'row' }, submit),
  );
  onSubmit(form, submit, async () => {
    const u = await api('POST', '/api/users', {
      name: name.value.trim(),
      email: email.value.trim(),
      role: role.value,
    });
    flash(`User "${u.name}" added`, 'info');
    ctx.showKey(`API key of ${u.name}`, u.apiKey);
    form.reset();
    ctx.reload();
  });
  return form;
}

function createOrganizationForm(ctx) {
  const input = (type = 'text') => h('input', { type, required: true, autocomplete: 'off' });
  const name = input();
  const adminName = input();
  const adminEmail = input('email');
  const submit = h('button', { type: 'submit' }, 'Create organization');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Create organization' },
    h('h2', {}, 'Create an organization'),
    field('Organization name', name),
    field('Admin name', adminName),
    field('Admin email', adminEmail),
    h('div', { class: 'row' }, submit),
  );
  onSubmit(form, submit, async () => {
    const { organization: o, admin } = await api('POST', '/api/organizations', {
      name: name.value.trim(),
      admin: { name: adminName.value.trim(), email: adminEmail.value.trim() },
    });
    flash(`Organization "${o.name}" created`, 'info');
    ctx.showKey(`API key of ${admin.name}, the first admin of ${o.name}`, admin.apiKey);
    form.reset();
    ctx.reload();
  });
  return form;
}

const orgRow = (o, me) =>
  h(
    'tr',
    {},
    h('td', {}, o.name, o.id === me.orgId ? h('span', { class: 'small muted' }, ' (yours)') : null),
    h('td', {}, h('code', {}, o.id)),
    h('td', { class: 'hide-narrow' }, fmtTime(o.createdAt)),
  );

// A header cell; `wideOnly` for the columns a phone-width screen leaves out, as the projects
// list does with Created (style.css .hide-narrow).
const th = (text, { wideOnly = false } = {}) =>
  h('th', { class: wideOnly ? 'hide-narrow' : null }, text);
const table = (heads, body) => h('table', {}, h('thead', {}, h('tr', {}, ...heads)), body);

// Both lists, again after every change; the users' heading names the caller's organisation.
async function load(ctx, parts) {
  try {
    const [{ organizations }, { users }] = await Promise.all([
      api('GET', '/api/organizations'),
      api('GET', '/api/users'),
    ]);
    const own = organizations.find((o) => o.id === ctx.me.orgId);
    parts.usersTitle.textContent = own ? `Users of ${own.name}` : 'Users';
    parts.users.replaceChildren(...users.map((u) => userRow(u, ctx)));
    parts.orgs.replaceChildren(...organizations.map((o) => orgRow(o, ctx.me)));
  } catch (e) {
    flash(errorText(e));
  }
}

export async function organizationPage() {
  // Asked again, not taken from the store: another admin may have changed this user's role.
  let me;
  try {
    me = store.me = await api('GET', '/api/me');
  } catch (e) {
    flash(errorText(e));
    showPage(h('h1', {}, 'Organization'));
    return;
  }
  const parts = { usersTitle: h('h2', {}, 'Users'), users: h('tbody'), orgs: h('tbody') };
  const keySlot = h('div');
  const ctx = {
    me,
    reload: () => load(ctx, parts),
    showKey: (title, apiKey) => {
      keySlot.replaceChildren(apiKeyBox(title, apiKey));
      keySlot.scrollIntoView({ block: 'nearest' });
    },
  };
  const usersCard = h(
    'section',
    { class: 'card', 'aria-label': 'Users' },
    parts.usersTitle,
    table(
      [th('Name'), th('Email'), th('Role'), th('Added', { wideOnly: true }), th('')],
      parts.users,
    ),
  );
  const orgsCard = h(
    'section',
    { class: 'card', 'aria-label': 'Organizations' },
    h('h2', {}, me.serverAdmin ? 'Organizations' : 'Your organization'),
    table([th('Name'), th('Id'), th('Created', { wideOnly: true })], parts.orgs),
  );
  showPage(
    h('h1', {}, 'Organization'),
    keySlot,
    me.role === 'admin' ? h('div', { class: 'grid' }, usersCard, addUserForm(ctx)) : usersCard,
    me.serverAdmin ? h('div', { class: 'grid' }, orgsCard, createOrganizationForm(ctx)) : orgsCard,
  );
  await ctx.reload();
}
