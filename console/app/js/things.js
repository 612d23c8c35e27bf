// things.js — things: the list (create, filter by tags) and one thing with
// its time series and datasets.
import { get, post, put, del, qs } from './api.js';
import { h, clear, section, table, form, pager, link, confirmButton, attempt, errorBox, msg } from './ui.js';

const LIMIT = 20;

export async function thingsPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0), tags = query.get('tags') || '';
  const box = h('div');
  clear(el,
    section('Things',
      form([{ name: 'tags', label: 'Tags (any of, comma-separated)', value: tags }], 'Filter', (v) => {
        location.hash = '#/things' + qs({ tags: v.tags });
        return false;
      }, { id: 'things-filter', inline: true }),
      box),
    section('New thing', form([
      { name: 'name', label: 'Name', required: true },
      { name: 'type', label: 'Type', placeholder: 'building/office' },
      { name: 'tags', label: 'Tags', list: true, placeholder: 'a, b' },
    ], 'Create', async (v) => {
      const r = await post('/v2/things', { name: v.name, type: v.type, tags: v.tags || [] });
      location.hash = `#/things/${r.uuid}`;
    }, { id: 'thing-new' })));
  await attempt(box, async () => {
    const rows = await get('/v2/things' + qs({ limit: LIMIT, offset, tags }));
    clear(box, table([
      { label: 'Name', render: (t) => link(`#/things/${t.uuid}`, t.name) },
      { label: 'Type', key: 'type' }, { label: 'State', key: 'state' }, { label: 'Tags', key: 'tags' },
    ], rows), pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/things' + qs({ tags, offset: o }); }));
  });
}

export async function thingPage(el, [uuid]) {
  const t = await get(`/v2/things/${uuid}`);
  const series = h('div'), sets = h('div'), out = h('div');
  clear(el,
    section(`Thing ${t.name}`,
      h('dl', { class: 'meta' }, h('dt', {}, 'UUID'), h('dd', {}, t.uuid), h('dt', {}, 'Type'), h('dd', {}, t.type || ''),
        h('dt', {}, 'State'), h('dd', {}, t.state), h('dt', {}, 'Tags'), h('dd', {}, (t.tags || []).join(', ') || '—')),
      form([
        { name: 'name', label: 'Name', value: t.name },
        { name: 'type', label: 'Type', value: t.type },
        { name: 'state', label: 'State', type: 'select', value: t.state, options: ['active', 'inactive', 'passive', 'archived'] },
        { name: 'tags', label: 'Tags', list: true, value: (t.tags || []).join(', '), keepEmpty: true },
      ], 'Save', async (v) => {
        await put(`/v2/things/${uuid}`, { name: v.name, type: v.type ?? null, state: v.state, tags: v.tags });
      }, { id: 'thing-edit', inline: true, okText: 'Saved.' }),
      confirmButton('Delete thing', `Delete ${t.name}?`, () => attempt(out, async () => {
        await del(`/v2/things/${uuid}`);
        location.hash = '#/things';
      })), out),
    section('Its time series', series, h('p', {}, link(`#/timeseries?thing=${uuid}`, 'New series for this thing'))),
    section('Its datasets', sets));
  await attempt(series, async () => {
    const rows = await get(`/v2/things/${uuid}/timeseries`);
    clear(series, table([
      { label: 'Name', render: (s) => link(`#/timeseries/${s.uuid}`, s.name) }, { label: 'Unit', key: 'si_unit' },
    ], rows));
  });
  await attempt(sets, async () => {
    const rows = await get(`/v2/things/${uuid}/datasets`);
    clear(sets, table([
      { label: 'Name', render: (d) => link(`#/datasets/${d.uuid}`, d.name) }, { label: 'Format', key: 'format' }, { label: 'Size', key: 'size' },
    ], rows));
  });
}

export { errorBox, msg };
