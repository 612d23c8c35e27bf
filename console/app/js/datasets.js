// datasets.js — datasets (upload: small files in the create call, big ones
// in parts — POST /uploads, PUT /parts with Content-MD5, POST /assemble —
// with the part size halved when the server finds a part too large;
// download through /raw) and alerts (list, filter, raise, change status).
import { get, post, put, del, qs, api } from './api.js';
import { h, clear, section, table, form, pager, link, confirmButton, attempt, msg, when } from './ui.js';
import { md5hex } from './md5.js';

const LIMIT = 20;
const FORMATS = ['csv', 'ini', 'json', 'misc', 'toml', 'xml', 'yaml'];
const SMALL = 256 * 1024;          // at most this goes inline (base64 in JSON)
const FIRST_PART = 8 * 1024 * 1024; // halved on 413 down to MIN_PART
const MIN_PART = 64 * 1024;

function b64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function guessFormat(name) {
  const ext = (name.split('.').pop() || '').toLowerCase();
  return FORMATS.includes(ext) ? ext : ext === 'yml' ? 'yaml' : 'misc';
}

// Uploads file as the content of dataset uuid; progress(text) reports.
// Answers the number of parts it took.
async function uploadParts(uuid, file, progress) {
  const { uploadId } = await post(`/v2/datasets/${uuid}/uploads`);
  let size = FIRST_PART, part = 1, offset = 0;
  try {
    while (offset < file.size) {
      const bytes = new Uint8Array(await file.slice(offset, offset + size).arrayBuffer());
      try {
        await api('PUT', `/v2/datasets/${uuid}/parts` + qs({ uploadId, partNumber: part }), {
          body: bytes, headers: { 'Content-MD5': md5hex(bytes), 'Content-Type': 'application/octet-stream' },
        });
      } catch (e) {
        if (e.status === 413 && size > MIN_PART) { size = Math.max(MIN_PART, size >> 1); continue; }
        throw e;
      }
      offset += bytes.length;
      progress(`part ${part} stored (${Math.round((offset / file.size) * 100)} %)`);
      part++;
    }
    await post(`/v2/datasets/${uuid}/assemble` + qs({ uploadId, partNumber: part - 1 }));
    return part - 1;
  } catch (e) {
    await del(`/v2/datasets/${uuid}/uploads` + qs({ uploadId })).catch(() => {});
    throw e;
  }
}

async function setContent(uuid, file, progress) {
  if (file.size <= SMALL) {
    await put(`/v2/datasets/${uuid}`, { content: b64(new Uint8Array(await file.arrayBuffer())) });
    return 0;
  }
  return uploadParts(uuid, file, progress);
}

export async function datasetsPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0), tags = query.get('tags') || '';
  const box = h('div'), progress = h('p', { class: 'info', id: 'upload-progress' });
  const file = h('input', { type: 'file', id: 'dataset-file' });
  clear(el,
    section('Datasets', form([{ name: 'tags', label: 'Tags (any of)', value: tags }], 'Filter', (v) => {
      location.hash = '#/datasets' + qs({ tags: v.tags });
      return false;
    }, { id: 'datasets-filter', inline: true }), box),
    section('Upload a dataset', h('label', { class: 'file' }, h('span', {}, 'File'), file),
      form([
        { name: 'name', label: 'Name (default: the file\'s)' },
        { name: 'format', label: 'Format', type: 'select', options: [['', 'from the file name'], ...FORMATS] },
        { name: 'thing_uuid', label: 'Thing (UUID)' },
        { name: 'tags', label: 'Tags', list: true },
      ], 'Upload', async (v) => {
        const f = file.files[0];
        if (!f) throw new Error('Choose a file first.');
        const small = f.size <= SMALL;
        const body = { name: v.name || f.name, format: v.format || guessFormat(f.name), tags: v.tags || [] };
        if (v.thing_uuid) body.thing_uuid = v.thing_uuid;
        if (small) body.content = b64(new Uint8Array(await f.arrayBuffer()));
        const d = await post('/v2/datasets', body);
        const parts = small ? 0 : await uploadParts(d.uuid, f, (t) => { progress.textContent = t; });
        location.hash = `#/datasets/${d.uuid}` + qs({ parts: parts || undefined });
      }, { id: 'dataset-new' }), progress));
  await attempt(box, async () => {
    const rows = await get('/v2/datasets' + qs({ limit: LIMIT, offset, tags }));
    clear(box, table([
      { label: 'Name', render: (d) => link(`#/datasets/${d.uuid}`, d.name) }, { label: 'Format', key: 'format' },
      { label: 'Size', key: 'size' }, { label: 'Updated', render: (d) => when(d.updated) }, { label: 'Tags', key: 'tags' },
    ], rows), pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/datasets' + qs({ tags, offset: o }); }));
  });
}

export async function datasetPage(el, [uuid], query) {
  const d = await get(`/v2/datasets/${uuid}`, { fresh: true });
  // just uploaded in parts (the upload forms say so in the address)
  const parts = Number(query?.get('parts') || 0);
  const out = h('div', {}, parts ? msg('ok', h('span', { id: 'dataset-uploaded' },
    `Uploaded in ${parts} part${parts === 1 ? '' : 's'} and assembled: ${d.size} bytes.`)) : null), progress = h('p', { class: 'info' }), file = h('input', { type: 'file', id: 'dataset-replace' });
  clear(el,
    section(`Dataset ${d.name}`,
      h('dl', { class: 'meta' }, h('dt', {}, 'UUID'), h('dd', {}, d.uuid), h('dt', {}, 'Format'), h('dd', {}, d.format),
        h('dt', {}, 'Size'), h('dd', { id: 'dataset-size' }, `${d.size} bytes`), h('dt', {}, 'SHA-256'), h('dd', {}, h('code', {}, d.checksum)),
        h('dt', {}, 'Updated'), h('dd', {}, when(d.updated)), h('dt', {}, 'Thing'), h('dd', {}, d.thing_uuid ? link(`#/things/${d.thing_uuid}`, d.thing_uuid) : '—')),
      h('button', { type: 'button', id: 'dataset-download', onclick: () => attempt(out, async () => {
        const res = await api('GET', `/v2/datasets/${uuid}/raw`, { raw: true });
        const a = h('a', { href: URL.createObjectURL(await res.blob()), download: d.name });
        document.body.append(a);
        a.click();
        a.remove();
      }) }, 'Download'), ' ',
      confirmButton('Delete dataset', `Delete ${d.name}?`, () => attempt(out, async () => { await del(`/v2/datasets/${uuid}`); location.hash = '#/datasets'; })),
      out),
    section('Replace the content', h('label', { class: 'file' }, h('span', {}, 'File'), file),
      h('button', { type: 'button', onclick: () => attempt(out, async () => {
        if (!file.files[0]) throw new Error('Choose a file first.');
        const parts = await setContent(uuid, file.files[0], (t) => { progress.textContent = t; });
        location.hash = `#/datasets/${uuid}` + qs({ parts: parts || undefined, _: Date.now() });
      }) }, 'Upload'), progress),
    section('Settings', form([
      { name: 'name', label: 'Name', value: d.name },
      { name: 'format', label: 'Format', type: 'select', value: d.format, options: FORMATS },
      { name: 'tags', label: 'Tags', list: true, value: (d.tags || []).join(', '), keepEmpty: true },
    ], 'Save', async (v) => { await put(`/v2/datasets/${uuid}`, v); }, { id: 'dataset-edit', inline: true, okText: 'Saved.' })));
}

// ---- alerts ----------------------------------------------------------------
const SEVERITIES = ['security', 'critical', 'major', 'minor', 'warning', 'informational', 'debug', 'trace', 'indeterminate'];
const STATUSES = ['open', 'close', 'expire', 'shelve', 'acknowledge', 'unknown'];

export async function alertsPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0), status = query.get('status') || '';
  const box = h('div');
  const reload = () => { location.hash = '#/alerts' + qs({ status, offset, _: Date.now() }); };
  clear(el,
    section('Alerts', form([{ name: 'status', label: 'Status', type: 'select', value: status, options: [['', 'any'], ...STATUSES] }], 'Filter', (v) => {
      location.hash = '#/alerts' + qs({ status: v.status });
      return false;
    }, { id: 'alerts-filter', inline: true }), box),
    section('Raise an alert', form([
      { name: 'resource', label: 'Resource', required: true, placeholder: 'webfrontend' },
      { name: 'environment', label: 'Environment', required: true, value: 'production' },
      { name: 'event', label: 'Event', required: true, placeholder: 'Down' },
      { name: 'severity', label: 'Severity', type: 'select', options: SEVERITIES, value: 'warning' },
      { name: 'value', label: 'Value', required: true },
      { name: 'description', label: 'Description', required: true },
      { name: 'origin', label: 'Origin', required: true, value: 'console' },
      { name: 'service', label: 'Services', list: true },
      { name: 'tags', label: 'Tags', list: true },
    ], 'Raise', async (v) => {
      await post('/v2/alerts', { ...v, service: v.service || [], tags: v.tags || [] });
      reload();
    }, { id: 'alert-new' })));
  await attempt(box, async () => {
    const rows = await get('/v2/alerts' + qs({ limit: LIMIT, offset, status }));
    clear(box, table([
      { label: 'Resource', key: 'resource' }, { label: 'Event', key: 'event' }, { label: 'Severity', key: 'severity' },
      { label: 'Status', render: (a) => h('select', { onchange: (e) => attempt(box, async () => { await put(`/v2/alerts/${a.uuid}`, { status: e.target.value }); reload(); }) },
        STATUSES.map((s) => h('option', { value: s, selected: s === a.status }, s))) },
      { label: 'Value', key: 'value' }, { label: 'Duplicates', key: 'duplicate' }, { label: 'Created', render: (a) => when(a.created) },
      { label: '', render: (a) => confirmButton('Delete', 'Delete this alert?', () => attempt(box, async () => { await del(`/v2/alerts/${a.uuid}`); reload(); })) },
    ], rows, { empty: 'No alerts.' }), pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/alerts' + qs({ status, offset: o }); }));
  });
  void msg;
}
