// access.js — who may do what: users (their groups, tokens, rate and
// effective policies), groups (their policies) and policies. A new token's
// secret is shown once, right after it is made; the API never shows it
// again.
import { get, post, put, del, qs, session } from './api.js';
import { h, clear, section, table, form, pager, link, confirmButton, attempt, msg, when } from './ui.js';

const LIMIT = 20;
const ACTIONS = ['create', 'read', 'update', 'delete'];

function policyTable(rows, onDelete) {
  return table([
    { label: 'Priority', key: 'priority' }, { label: 'Effect', key: 'effect' }, { label: 'Action', key: 'action' },
    { label: 'Resource', render: (p) => h('code', {}, p.resource) },
    { label: 'Group', render: (p) => link(`#/groups/${p.group_uuid}`, 'group') },
    ...(onDelete ? [{ label: '', render: (p) => confirmButton('Delete', `Delete the policy ${p.effect} ${p.action} ${p.resource}?`, () => onDelete(p)) }] : []),
  ], rows, { empty: 'No policies.' });
}

function policyForm(groupUuid, done, id = 'policy-new') {
  const fields = [
    ...(groupUuid ? [] : [{ name: 'group_uuid', label: 'Group (UUID)', required: true }]),
    { name: 'effect', label: 'Effect', type: 'select', options: ['allow', 'deny'] },
    { name: 'action', label: 'Action', type: 'select', options: ACTIONS },
    { name: 'resource', label: 'Resource (% and _ are wildcards)', required: true, placeholder: 'timeseries/%' },
    { name: 'priority', label: 'Priority', type: 'number', value: 10 },
  ];
  return form(fields, 'Add policy', async (v) => {
    await post('/v2/policies', { group_uuid: groupUuid || v.group_uuid, priority: v.priority ?? 10, effect: v.effect, action: v.action, resource: v.resource });
    done();
  }, { id });
}

// ---- users ---------------------------------------------------------------
export async function usersPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0);
  const box = h('div');
  clear(el,
    section('Users', box),
    section('New user', h('p', {}, 'A new user gets a personal group of the same name, allowed to read and change the user itself. Give it more through its group\'s policies.'),
      form([{ name: 'name', label: 'Name', required: true }], 'Create', async (v) => {
        const u = await post('/v2/users', { name: v.name });
        location.hash = `#/users/${u.uuid}`;
      }, { id: 'user-new' })));
  await attempt(box, async () => {
    const rows = await get('/v2/users' + qs({ limit: LIMIT, offset }));
    clear(box, table([
      { label: 'Name', render: (u) => link(`#/users/${u.uuid}`, u.name) },
      { label: 'Groups', render: (u) => (u.groups || []).map((g) => g.name).join(', ') },
    ], rows), pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/users' + qs({ offset: o }); }));
  });
}

export async function userPage(el, [uuid]) {
  const u = await get(`/v2/users/${uuid}`);
  const reload = () => { location.hash = `#/users/${uuid}?_=${Date.now()}`; };
  const tokens = h('div'), policies = h('div'), groups = h('div'), secret = h('div', { id: 'token-secret' }), out = h('div');
  const own = (u.groups || []).find((g) => g.name === u.name);
  clear(el,
    section(`User ${u.name}`,
      h('dl', { class: 'meta' }, h('dt', {}, 'UUID'), h('dd', {}, u.uuid)),
      form([{ name: 'name', label: 'Name', value: u.name }], 'Rename', async (v) => { await put(`/v2/users/${uuid}`, { name: v.name }); },
        { id: 'user-edit', inline: true, okText: 'Saved.' }),
      form([{ name: 'rate', label: 'Requests per hour', type: 'number', required: true, placeholder: '0: no limit' }], 'Set rate', async (v) => {
        await put(`/v2/users/${uuid}/rate`, { rate: v.rate });
      }, { id: 'user-rate', inline: true, okText: 'Rate set.' }),
      session()?.uuid === uuid ? h('p', { class: 'info' }, 'This is you.') :
        confirmButton('Delete user', `Delete ${u.name}?`, () => attempt(out, async () => { await del(`/v2/users/${uuid}`); location.hash = '#/users'; })),
      out),
    section('Groups', groups),
    section('Tokens', secret, tokens,
      form([{ name: 'name', label: 'Token name', required: true, placeholder: 'my laptop' }], 'Create token', async (v) => {
        const t = await post(`/v2/users/${uuid}/tokens`, { name: v.name });
        clear(secret, msg('ok', h('span', {}, `Token ${t.name} — copy the secret now, it is not shown again: `,
          h('code', { class: 'secret', id: 'new-secret' }, t.secret))));
        await showTokens();
      }, { id: 'token-new', inline: true, reset: true })),
    section('Policies in effect', h('p', {}, 'What the user\'s groups allow and deny (deny wins).'), policies,
      own ? [h('h3', {}, `Add a policy to the group ${own.name}`), policyForm(own.uuid, reload, 'user-policy-new')] : null));

  const showTokens = () => attempt(tokens, async () => {
    const rows = await get(`/v2/users/${uuid}/tokens`, { fresh: true });
    clear(tokens, table([
      { label: 'Name', key: 'name' }, { label: 'Created', render: (t) => when(t.created) },
      { label: '', render: (t) => confirmButton('Revoke', `Revoke the token ${t.name}?`, () => attempt(tokens, async () => { await del(`/v2/users/${uuid}/tokens/${t.uuid}`); await showTokens(); })) },
    ], rows, { empty: 'No tokens.' }));
  });

  clear(groups, table([{ label: 'Group', render: (g) => link(`#/groups/${g.uuid}`, g.name) },
    { label: '', render: (g) => h('button', { type: 'button', onclick: () => attempt(groups, async () => { await put(`/v2/users/${uuid}`, { groups_remove: [g.uuid] }); reload(); }) }, 'Remove') }],
  u.groups || [], { empty: 'In no group.' }));
  const addGroup = h('div');
  groups.append(addGroup);
  await attempt(addGroup, async () => {
    const all = await get('/v2/groups?limit=100');
    const mine = new Set((u.groups || []).map((g) => g.uuid));
    const others = all.filter((g) => !mine.has(g.uuid));
    if (others.length) clear(addGroup, form([{ name: 'group', label: 'Add to group', type: 'select', options: others.map((g) => [g.uuid, g.name]) }], 'Add', async (v) => {
      await put(`/v2/users/${uuid}`, { groups_add: [v.group] });
      reload();
    }, { id: 'user-group-add', inline: true }));
  });
  await showTokens();
  await attempt(policies, async () => clear(policies, policyTable(await get(`/v2/users/${uuid}/policies`))));
}

// ---- groups --------------------------------------------------------------
export async function groupsPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0);
  const box = h('div');
  clear(el,
    section('Groups', box),
    section('New group', form([{ name: 'name', label: 'Name', required: true }], 'Create', async (v) => {
      const g = await post('/v2/groups', { name: v.name });
      location.hash = `#/groups/${g.uuid}`;
    }, { id: 'group-new' })));
  await attempt(box, async () => {
    const rows = await get('/v2/groups' + qs({ limit: LIMIT, offset }));
    clear(box, table([{ label: 'Name', render: (g) => link(`#/groups/${g.uuid}`, g.name) }, { label: 'UUID', key: 'uuid' }], rows),
      pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/groups' + qs({ offset: o }); }));
  });
}

export async function groupPage(el, [uuid]) {
  const g = await get(`/v2/groups/${uuid}`);
  const reload = () => { location.hash = `#/groups/${uuid}?_=${Date.now()}`; };
  const pol = h('div'), out = h('div');
  clear(el,
    section(`Group ${g.name}`,
      h('dl', { class: 'meta' }, h('dt', {}, 'UUID'), h('dd', {}, g.uuid)),
      form([{ name: 'name', label: 'Name', value: g.name }], 'Rename', async (v) => { await put(`/v2/groups/${uuid}`, { name: v.name }); },
        { id: 'group-edit', inline: true, okText: 'Saved.' }),
      confirmButton('Delete group', `Delete ${g.name}?`, () => attempt(out, async () => { await del(`/v2/groups/${uuid}`); location.hash = '#/groups'; })),
      out),
    section('Policies', pol, h('h3', {}, 'New policy'), policyForm(uuid, reload)));
  await attempt(pol, async () => clear(pol, policyTable(await get(`/v2/groups/${uuid}/policies`),
    (p) => attempt(pol, async () => { await del(`/v2/policies/${p.uuid}`); reload(); }))));
}

// ---- policies ------------------------------------------------------------
export async function policiesPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0), group = query.get('group') || '';
  const box = h('div');
  const reload = () => { location.hash = '#/policies' + qs({ group, offset, _: Date.now() }); };
  clear(el,
    section('Policies', form([{ name: 'group', label: 'Group (UUID)', value: group }], 'Filter', (v) => {
      location.hash = '#/policies' + qs({ group: v.group });
      return false;
    }, { id: 'policies-filter', inline: true }), box),
    section('New policy', policyForm(null, reload)));
  await attempt(box, async () => {
    const rows = await get('/v2/policies' + qs({ limit: LIMIT, offset, group_uuids: group }));
    clear(box, policyTable(rows, (p) => attempt(box, async () => { await del(`/v2/policies/${p.uuid}`); reload(); })),
      pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/policies' + qs({ group, offset: o }); }));
  });
}
